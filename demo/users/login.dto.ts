import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { CHANNEL_NAME_PATTERN } from '../../src/index.js';

export class LoginRequestDto {
  @ApiProperty({
    description:
      'Who to sign in as: the user id that POST /api/broadcast `user` addresses (1-64 letters, digits or -_.:)',
    pattern: CHANNEL_NAME_PATTERN.source,
    example: 'alice',
  })
  @IsString()
  @Matches(CHANNEL_NAME_PATTERN, {
    message: 'name must be 1-64 letters, digits or -_.: characters',
  })
  name: string;
}

export class LoginResponseDto {
  @ApiProperty({ example: 'alice' })
  user: string;

  @ApiProperty({
    description:
      'A JWT with `sub` set to the user (also set as the HttpOnly sse_token cookie, which same-origin streams send by themselves)',
  })
  token: string;

  @ApiProperty({ description: 'Seconds the token is valid', example: 3600 })
  expiresIn: number;
}
