import { ApiProperty } from '@nestjs/swagger';

/** Sent before the replay when history could not cover everything since Last-Event-ID. */
export class HistoryGapEventDto {
  @ApiProperty({ description: 'The id the client reconnected with' })
  lastEventId: string;

  @ApiProperty({
    enum: ['expired', 'unknown'],
    description:
      'expired: older than the oldest kept event (all history follows); unknown: never issued here (nothing follows)',
  })
  reason: 'expired' | 'unknown';

  @ApiProperty({ description: 'Events replayed after this notice' })
  replayed: number;
}
