import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';

/** The JSON body of every error answer (Nest's `HttpException` shape). */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['data should not be null or undefined'],
    description: 'What is wrong',
  })
  message: string | string[];

  @ApiProperty({ example: 'Bad Request', required: false })
  error?: string;
}

const errorResponse = (status: number, description: string) =>
  ApiResponse({ status, description, type: ErrorResponseDto });

export const ApiBadRequest = () =>
  errorResponse(400, 'Invalid input: the message says which field and why');

/** The errors of `POST /api/broadcast`. */
export const ApiPublishErrors = () =>
  applyDecorators(
    ApiBadRequest(),
    errorResponse(
      401,
      'BROADCAST_TOKEN is set and the bearer token is missing or wrong',
    ),
    errorResponse(413, 'The body is larger than the limit (1 MB by default)'),
    errorResponse(415, 'The body is not application/json'),
  );
