import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { SIGN_IN_REQUIRED } from '../users/signed-in.guard.js';

/** The JSON body of every error answer (Nest's `HttpException` shape). */
export class ErrorResponseDto {
  @ApiProperty({ description: 'The HTTP status, repeated', example: 400 })
  statusCode: number;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['data is required (any JSON value)'],
    description: 'What is wrong: one text, or one per invalid field',
  })
  message: string | string[];

  @ApiPropertyOptional({
    description: 'The status text (absent on some 413 and 429 answers)',
    example: 'Bad Request',
  })
  error?: string;
}

type Examples = Record<string, { summary: string; value: ErrorResponseDto }>;

/** Seconds to wait before trying again, on the answers that say so. */
const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 0, example: 2 },
  },
};

const errorResponse = (
  status: number,
  description: string,
  examples: Examples,
  headers?: typeof RETRY_AFTER,
) =>
  ApiResponse({
    status,
    description,
    type: ErrorResponseDto,
    examples,
    ...(headers ? { headers } : {}),
  });

const error = (
  statusCode: number,
  error: string | undefined,
  message: string | string[],
): ErrorResponseDto => ({
  statusCode,
  message,
  ...(error ? { error } : {}),
});

const one = (summary: string, value: ErrorResponseDto): Examples => ({
  [summary.replace(/\W+/g, '-')]: { summary, value },
});

/** 400 of `GET /sse`: a query value out of range. */
export const ApiTicksErrors = () =>
  errorResponse(400, 'A query value is out of range or not an integer', {
    ...one(
      'count out of range',
      error(400, 'Bad Request', ['count must not be less than 1']),
    ),
    ...one(
      'intervalMs not an integer',
      error(400, 'Bad Request', ['intervalMs must be an integer number']),
    ),
  });

/** 400, 401, 403, 429 and 503 of `GET /sse/broadcast`. */
export const ApiStreamErrors = () =>
  applyDecorators(
    errorResponse(
      400,
      'A channel name that cannot be used',
      one(
        'control character in a channel',
        error(
          400,
          'Bad Request',
          'Invalid SSE channel: must not contain CR, LF or NUL',
        ),
      ),
    ),
    errorResponse(
      401,
      'A `private:` channel was asked for without a valid bearer token (JWT)',
      one(
        'no token',
        error(
          401,
          'Unauthorized',
          'Private channels need an "Authorization: Bearer <token>" header',
        ),
      ),
    ),
    errorResponse(
      403,
      "The token's `subscribe` claim does not list a requested `private:` channel",
      one(
        'channel not granted',
        error(403, 'Forbidden', 'Not allowed to subscribe to "private:a"'),
      ),
    ),
    errorResponse(
      429,
      'This address already holds SSE_MAX_CLIENTS_PER_ADDRESS open streams',
      one(
        'too many from one address',
        error(
          429,
          'Too Many Requests',
          'Too many SSE streams from this address: at most 1 at once',
        ),
      ),
      RETRY_AFTER,
    ),
    errorResponse(
      503,
      'SSE_MAX_CLIENTS streams are already open',
      one(
        'server full',
        error(
          503,
          'Service Unavailable',
          'Too many SSE clients: this server accepts at most 1000 streams',
        ),
      ),
      RETRY_AFTER,
    ),
  );

/** 400 and 401 of `GET /sse/user`. */
export const ApiUserStreamErrors = () =>
  applyDecorators(
    errorResponse(
      400,
      'A channel name that cannot be used, or a token whose `sub` is not a valid user id (1-64 letters, digits or -_.:)',
      {
        ...one(
          'invalid sub',
          error(
            400,
            'Bad Request',
            'Invalid SSE user: the identify option returned an id that is not 1 to 64 ASCII letters, digits or -_.: characters',
          ),
        ),
      },
    ),
    errorResponse(
      401,
      'No valid JWT naming a user (`sub`)',
      one('not signed in', error(401, 'Unauthorized', SIGN_IN_REQUIRED)),
    ),
  );

/** 503 of `GET /api/clients`: the shared counts cannot be read. */
export const ApiCountErrors = () =>
  errorResponse(
    503,
    'Redis cannot be read (the counts of the other instances are there)',
    one(
      'Redis away',
      error(
        503,
        'Service Unavailable',
        'The event transport is unavailable: Redis: Connection is closed.',
      ),
    ),
  );

/** 400, 401, 403, 413, 415, 429 and 503 of `POST /api/broadcast`. */
export const ApiPublishErrors = () =>
  applyDecorators(
    errorResponse(400, 'Malformed JSON, or a field that is not valid', {
      ...one(
        'invalid fields',
        error(400, 'Bad Request', [
          'event must be 1-64 letters, digits or -_.: characters',
          'data is required (any JSON value)',
        ]),
      ),
      ...one(
        'malformed JSON',
        error(
          400,
          'Bad Request',
          "Expected property name or '}' in JSON at position 1",
        ),
      ),
    }),
    errorResponse(
      401,
      'BROADCAST_TOKEN or JWT_SECRET is set and the bearer token is missing or not valid',
      one(
        'no or wrong token',
        error(
          401,
          'Unauthorized',
          'A valid "Authorization: Bearer <token>" header is required',
        ),
      ),
    ),
    errorResponse(
      403,
      'A JWT whose `publish` claim does not cover the channel (`*` for everyone)',
      one(
        'channel not granted',
        error(403, 'Forbidden', 'This token may not publish to every client'),
      ),
    ),
    errorResponse(
      413,
      'The body is larger than BODY_LIMIT (1 MB by default)',
      one('body too large', error(413, undefined, 'request entity too large')),
    ),
    errorResponse(
      415,
      'The body is not application/json',
      one(
        'wrong content type',
        error(
          415,
          'Unsupported Media Type',
          'Content-Type must be application/json, got "text/plain"',
        ),
      ),
    ),
    errorResponse(
      429,
      'More than PUBLISH_RATE_LIMIT publishes this minute from this address',
      one(
        'rate limited',
        error(
          429,
          undefined,
          'Too many publishes: at most 60 per minute from one address',
        ),
      ),
      RETRY_AFTER,
    ),
    errorResponse(
      503,
      'The event transport cannot take the event (Redis unreachable): nothing was published',
      one(
        'transport down',
        error(
          503,
          'Service Unavailable',
          'The event transport is unavailable: Redis is not connected (connection reconnecting)',
        ),
      ),
    ),
  );
