import { ApiProperty } from '@nestjs/swagger';

export class BroadcastResponseDto {
  @ApiProperty({ example: true })
  ok: true;

  @ApiProperty({
    description: 'The event id (Last-Event-ID for replay)',
    example: '1763894400000001',
  })
  id: string;

  @ApiProperty({ example: 'notice' })
  event: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  channel: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  user: string | null;

  @ApiProperty({
    description:
      "Streams open on this instance; for a `user` event, that user's open streams on every instance (0: nobody received it)",
    example: 3,
  })
  connected: number;
}

/** Open broadcast streams, in all, per channel and in distinct users. */
export class PresenceCountsDto {
  @ApiProperty({ description: 'Open broadcast streams', example: 3 })
  connected: number;

  @ApiProperty({
    description: 'Subscribers per channel',
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { news: 2 },
  })
  channels: Record<string, number>;

  @ApiProperty({
    description: 'Distinct signed-in users with an open stream',
    example: 1,
  })
  users: number;
}

export class ClientsResponseDto extends PresenceCountsDto {
  @ApiProperty({
    description:
      'This instance alone (the top-level figures count every instance on the same Redis)',
    type: PresenceCountsDto,
  })
  instance: PresenceCountsDto;
}
