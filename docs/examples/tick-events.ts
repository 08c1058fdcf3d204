import { ApiProperty } from '@nestjs/swagger';

export class ConnectedEventDto {
  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ format: 'date-time' })
  serverTime: string;
}

export class TickEventDto {
  @ApiProperty({ description: 'This tick, from 1', example: 1 })
  i: number;

  @ApiProperty({ description: 'Ticks in this stream', example: 10 })
  count: number;
}

export class CompleteEventDto {
  @ApiProperty({ description: 'Ticks sent', example: 10 })
  count: number;
}

/** The events of the ticks stream: for `@ApiEventStream()`, and as a type for clients. */
export const TICK_EVENTS = {
  connected: ConnectedEventDto,
  tick: TickEventDto,
  complete: CompleteEventDto,
};
