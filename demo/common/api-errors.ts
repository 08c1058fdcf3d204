import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

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
    description: 'The status text (absent on 413)',
    example: 'Bad Request',
  })
  error?: string;
}

type Examples = Record<string, { summary: string; value: ErrorResponseDto }>;

const errorResponse = (
  status: number,
  description: string,
  examples: Examples,
) => ApiResponse({ status, description, type: ErrorResponseDto, examples });

const bad = (message: string | string[]): ErrorResponseDto => ({
  statusCode: 400,
  message,
  error: 'Bad Request',
});

/** 400 of `GET /sse`: a query value out of range. */
export const ApiTicksErrors = () =>
  errorResponse(400, 'A query value is out of range or not an integer', {
    range: {
      summary: 'count out of range',
      value: bad(['count must not be less than 1']),
    },
    type: {
      summary: 'intervalMs not an integer',
      value: bad(['intervalMs must be an integer number']),
    },
  });

/** 400 and 503 of `GET /sse/broadcast`. */
export const ApiStreamErrors = () =>
  applyDecorators(
    errorResponse(400, 'A channel name that cannot be used', {
      channel: {
        summary: 'control character in a channel',
        value: bad('Invalid SSE channel: must not contain CR, LF or NUL'),
      },
    }),
    errorResponse(503, 'SSE_MAX_CLIENTS streams are already open', {
      full: {
        summary: 'server full',
        value: {
          statusCode: 503,
          message:
            'Too many SSE clients: this server accepts at most 1000 streams',
          error: 'Service Unavailable',
        },
      },
    }),
  );

/** 400, 401, 413 and 415 of `POST /api/broadcast`. */
export const ApiPublishErrors = () =>
  applyDecorators(
    errorResponse(400, 'Malformed JSON, or a field that is not valid', {
      fields: {
        summary: 'invalid fields',
        value: bad([
          'event must be 1-64 letters, digits or -_.: characters',
          'data is required (any JSON value)',
        ]),
      },
      json: {
        summary: 'malformed JSON',
        value: bad("Expected property name or '}' in JSON at position 1"),
      },
    }),
    errorResponse(
      401,
      'BROADCAST_TOKEN is set and the bearer token is missing or wrong',
      {
        token: {
          summary: 'no or wrong token',
          value: {
            statusCode: 401,
            message:
              'A valid "Authorization: Bearer <token>" header is required',
            error: 'Unauthorized',
          },
        },
      },
    ),
    errorResponse(413, 'The body is larger than BODY_LIMIT (1 MB by default)', {
      size: {
        summary: 'body too large',
        value: { statusCode: 413, message: 'request entity too large' },
      },
    }),
    errorResponse(415, 'The body is not application/json', {
      type: {
        summary: 'wrong content type',
        value: {
          statusCode: 415,
          message: 'Content-Type must be application/json, got "text/plain"',
          error: 'Unsupported Media Type',
        },
      },
    }),
  );
