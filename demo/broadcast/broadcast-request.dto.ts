import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Exclude } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';
import { CHANNEL_NAME_PATTERN } from '../../src/index.js';

/** The answer to a body without `data` (a 400). */
export const DATA_REQUIRED = 'data is required (any JSON value)';

/** Letters, digits and `-_.:`, 1 to 64 of them. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export class BroadcastRequestDto {
  @ApiPropertyOptional({
    description: 'Event name: letters, digits and -_.: (at most 64)',
    default: 'message',
    pattern: TOKEN_PATTERN.source,
    example: 'notice',
  })
  @IsOptional()
  @IsString()
  @Matches(TOKEN_PATTERN, {
    message: 'event must be 1-64 letters, digits or -_.: characters',
  })
  event?: string;

  @ApiProperty({
    description: 'Payload: any JSON value; strings are sent as they are',
    example: { text: 'hello' },
  })
  // Left out of the transformed body: class-transformer would rebuild the
  // payload, dropping keys such as "toString" or "__proto__" and overflowing
  // the stack on deep nesting. The controller takes it from the raw body.
  @Exclude({ toClassOnly: true })
  data: unknown;

  @ApiPropertyOptional({
    description:
      'Only subscribers of this channel receive it (the library rule: 1-64 letters, digits or -_.:, as for subscribing)',
    pattern: CHANNEL_NAME_PATTERN.source,
    example: 'news',
  })
  @IsOptional()
  @IsString()
  @Matches(CHANNEL_NAME_PATTERN, {
    message: 'channel must be 1-64 letters, digits or -_.: characters',
  })
  channel?: string;

  @ApiPropertyOptional({
    description:
      "Only this user's streams receive it, on every instance (with `channel`, those subscribed to it). A stream's user is the `sub` of the JWT it was opened with. A user with no open stream is not an error: `connected` is 0. Not with `exceptUser`.",
    pattern: CHANNEL_NAME_PATTERN.source,
    example: 'alice',
  })
  @IsOptional()
  @IsString()
  @Matches(CHANNEL_NAME_PATTERN, {
    message: 'user must be 1-64 letters, digits or -_.: characters',
  })
  user?: string;

  @ApiPropertyOptional({
    description:
      "Everyone in scope (everyone, or `channel`) except this user's streams",
    pattern: CHANNEL_NAME_PATTERN.source,
    example: 'alice',
  })
  @IsOptional()
  @IsString()
  @Matches(CHANNEL_NAME_PATTERN, {
    message: 'exceptUser must be 1-64 letters, digits or -_.: characters',
  })
  exceptUser?: string;

  @ApiPropertyOptional({
    description:
      'Every stream in scope except this one: the `clientId` of its `connected` event (the tab that caused the event)',
    pattern: CHANNEL_NAME_PATTERN.source,
    example: '3f1c2a9e-8d4b-4c1e-9a57-2b6f0d9e4c11',
  })
  @IsOptional()
  @IsString()
  @Matches(CHANNEL_NAME_PATTERN, {
    message: 'exceptClient must be 1-64 letters, digits or -_.: characters',
  })
  exceptClient?: string;
}
