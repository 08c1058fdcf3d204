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

  @ApiProperty({ description: 'Streams open on this instance', example: 3 })
  connected: number;
}

export class ClientsResponseDto {
  @ApiProperty({
    description:
      'Open broadcast streams on this instance (on every worker of a cluster)',
    example: 3,
  })
  connected: number;

  @ApiProperty({
    description: 'Subscribers per channel',
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { news: 2 },
  })
  channels: Record<string, number>;
}
