import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDefined,
  IsOptional,
  IsString,
  Matches,
  ValidateIf,
} from 'class-validator';

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
  @ValidateIf((body: BroadcastRequestDto) => body.data !== null)
  @IsDefined({ message: 'data is required (any JSON value)' })
  data: unknown;

  @ApiPropertyOptional({
    description: 'Only subscribers of this channel receive it',
    pattern: TOKEN_PATTERN.source,
    example: 'news',
  })
  @IsOptional()
  @IsString()
  @Matches(TOKEN_PATTERN, {
    message: 'channel must be 1-64 letters, digits or -_.: characters',
  })
  channel?: string;
}
