import { UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

/**
 * What a demo access token (a JWT signed with `JWT_SECRET`) may do: channel
 * names, or `*` for all. Publishing to everyone (no channel) needs `*`.
 */
export interface AccessClaims {
  publish?: string[];
  subscribe?: string[];
  /** Whose token it is: the stream's user (the `identify` option). */
  sub?: string;
}

/** The cookie of `POST /api/login`, for the demo page's own streams. */
export const TOKEN_COOKIE = 'sse_token';
/** The query parameter for clients that cannot set headers (`EventSource`). */
export const TOKEN_QUERY = 'access_token';

/** Channels whose streams need a token that lists them in `subscribe`. */
export const PRIVATE_CHANNEL_PREFIX = 'private:';

export const isPrivateChannel = (channel: string) =>
  channel.startsWith(PRIVATE_CHANNEL_PREFIX);

/** Whether `granted` (a claim) covers `channel` (`*` = every channel). */
export const grants = (granted: unknown, channel: string): boolean =>
  Array.isArray(granted) &&
  (granted.includes('*') || granted.includes(channel));

/** The token of an `Authorization: Bearer <token>` header, on Express or Fastify. */
export function bearerToken(request: unknown): string | undefined {
  const header = (request as { headers?: Record<string, unknown> })?.headers
    ?.authorization;
  const match =
    typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header) : null;
  return match?.[1];
}

/** The value of one cookie of the request's `Cookie` header. */
function cookie(request: unknown, name: string): string | undefined {
  const header = (request as { headers?: Record<string, unknown> })?.headers
    ?.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (part.slice(0, at).trim() === name) {
      return decodeURIComponent(part.slice(at + 1).trim());
    }
  }
  return undefined;
}

/** `?access_token=`, read from the raw URL (Express and Fastify alike). */
function queryToken(request: unknown): string | undefined {
  const url = (request as { url?: unknown } | undefined)?.url;
  if (typeof url !== 'string' || !url.includes(TOKEN_QUERY)) return undefined;
  const query = url.slice(url.indexOf('?') + 1);
  return new URLSearchParams(query).get(TOKEN_QUERY) ?? undefined;
}

/**
 * The token a stream request presents: `Authorization: Bearer`, else the
 * `sse_token` cookie (same-origin pages), else `?access_token=`
 * (`EventSource` elsewhere, which cannot set headers).
 */
export function presentedToken(request: unknown): string | undefined {
  return (
    bearerToken(request) ?? cookie(request, TOKEN_COOKIE) ?? queryToken(request)
  );
}

/**
 * Verifies the demo's JWTs with `@nestjs/jwt` (HS256, `JWT_SECRET`). The
 * library itself knows nothing of JWT: this is what an app plugs into the
 * `authorize` option and its publish guard. Tokens are never logged.
 */
export class AccessTokens {
  private readonly jwt: JwtService | undefined;

  constructor(secret: string | undefined) {
    this.jwt = secret
      ? new JwtService({ secret, verifyOptions: { algorithms: ['HS256'] } })
      : undefined;
  }

  /** False when `JWT_SECRET` is not set: no token can be valid. */
  get enabled(): boolean {
    return this.jwt !== undefined;
  }

  /** The claims of a valid token; a 401 for anything else (bad signature, expired, malformed). */
  async verify(token: string): Promise<AccessClaims> {
    if (!this.jwt) throw new UnauthorizedException(INVALID_TOKEN);
    try {
      return await this.jwt.verifyAsync<AccessClaims & object>(token);
    } catch {
      // The reason stays here: it could echo parts of the token.
      throw new UnauthorizedException(INVALID_TOKEN);
    }
  }

  /**
   * The user of a token: its `sub` claim (undefined for a valid token
   * without one); a 401 for a token that is not valid.
   */
  async userOf(token: string): Promise<string | undefined> {
    const { sub } = await this.verify(token);
    return typeof sub === 'string' ? sub : undefined;
  }

  /** Signs claims (tests and local tooling). */
  sign(claims: AccessClaims, expiresInSeconds = 3600): string {
    if (!this.jwt) throw new Error('JWT_SECRET is not set');
    return this.jwt.sign(claims, { expiresIn: expiresInSeconds });
  }
}

export const INVALID_TOKEN =
  'A valid "Authorization: Bearer <token>" header is required (this token is invalid or expired)';
