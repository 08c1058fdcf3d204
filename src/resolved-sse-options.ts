import {
  DEFAULT_KEEP_ALIVE_SECONDS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CHANNELS_PER_STREAM,
  DEFAULT_RETRY_MS,
  DEFAULT_SHUTDOWN_RETRY_SPREAD_MS,
} from './sse.constants.js';
import type { SseModuleOptions } from './sse-module-options.js';
import type { SseAuthorizer } from './broadcast/stream-authorizer.js';
import type { SseIdentifier } from './broadcast/stream-identity.js';
import { ErrorMessages } from './errors/error-messages.js';

/**
 * The module's options with every default applied: the only place defaults
 * are filled in. Injectable by this class.
 */
export abstract class ResolvedSseOptions {
  abstract readonly keepAliveSeconds: number;
  abstract readonly retryMs: number;
  abstract readonly maxClients: number;
  abstract readonly maxBufferedBytes: number;
  abstract readonly maxClientsPerAddress: number;
  abstract readonly maxChannelsPerStream: number;
  abstract readonly retryAfterSeconds: number;
  abstract readonly shutdownRetrySpreadMs: number;
  abstract readonly adoptNestSse: boolean | 'always';
  abstract readonly authorize?: SseAuthorizer;
  abstract readonly identify?: SseIdentifier;
}

/** A function option as given, or undefined; a TypeError naming it for anything else. */
function optionalFunction<T>(
  name: string,
  value: T | undefined,
): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(
      `SseModule option ${name} must be a function, got ${typeof value}`,
    );
  }
  return value;
}

/** Merges user options over the defaults and checks them. */
export function resolveSseOptions(
  options: SseModuleOptions = {},
): ResolvedSseOptions {
  const retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
  const resolved = {
    keepAliveSeconds: options.keepAliveSeconds ?? DEFAULT_KEEP_ALIVE_SECONDS,
    retryMs,
    maxClients: options.maxClients ?? Number.POSITIVE_INFINITY,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    maxClientsPerAddress:
      options.maxClientsPerAddress ?? Number.POSITIVE_INFINITY,
    maxChannelsPerStream:
      options.maxChannelsPerStream ?? DEFAULT_MAX_CHANNELS_PER_STREAM,
    retryAfterSeconds:
      options.retryAfterSeconds ?? Math.max(1, Math.ceil(retryMs / 1000)),
    shutdownRetrySpreadMs:
      options.shutdownRetrySpreadMs ?? DEFAULT_SHUTDOWN_RETRY_SPREAD_MS,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new TypeError(
        ErrorMessages.badNumberOption(
          'SseModule',
          name,
          'a non-negative number',
          value,
        ),
      );
    }
  }
  const adoptNestSse = options.adoptNestSse ?? true;
  if (![true, false, 'always'].includes(adoptNestSse)) {
    throw new TypeError(
      `SseModule option adoptNestSse must be true, false or 'always', got ${String(adoptNestSse)}`,
    );
  }
  const authorize = optionalFunction('authorize', options.authorize);
  const identify = optionalFunction('identify', options.identify);
  return {
    ...resolved,
    adoptNestSse,
    ...(authorize && { authorize }),
    ...(identify && { identify }),
  };
}
