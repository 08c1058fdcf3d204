import { ApiProperty } from '@nestjs/swagger';
import {
  CONNECTED_EVENT,
  HISTORY_GAP_EVENT,
  STREAM_ERROR_EVENT,
} from '../sse.constants.js';
import type { HistoryGapReason } from '../transports/transport-event.js';
import type { EventPayload } from './event-stream.schemas.js';

/** The data of `connected`, the first event of every broadcast stream. */
export class SseConnectedEvent {
  @ApiProperty({
    format: 'uuid',
    description: 'Server-chosen id of this connection',
  })
  clientId: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Server time when the stream opened',
  })
  serverTime: string;
}

/** The data of `history-gap`: history could not cover what the client missed. */
export class SseHistoryGapEvent {
  @ApiProperty({
    description:
      'The Last-Event-ID the client came back with (cut at 128 characters)',
  })
  lastEventId: string;

  @ApiProperty({
    enum: ['expired', 'unknown'],
    description:
      'expired: older than the oldest event kept (what is kept follows); unknown: never issued here (nothing follows, live events do)',
  })
  reason: HistoryGapReason;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Events replayed after this notice',
  })
  replayed: number;
}

/** The data of `stream-error`: the stream failed after its headers were sent. */
export class SseStreamErrorEvent {
  @ApiProperty({
    description: 'Always "stream failed"; the cause is logged on the server',
    example: 'stream failed',
  })
  message: string;
}

/** What the library sends by itself on the streams `@ApiEventStream()` documents. */
export interface LibraryEvent {
  payload: EventPayload;
  description: string;
}

const CONNECTED: LibraryEvent = {
  payload: SseConnectedEvent,
  description:
    'First event of a broadcast stream, with `retry`; its `id` is the stream position (send it back as Last-Event-ID)',
};
const HISTORY_GAP: LibraryEvent = {
  payload: SseHistoryGapEvent,
  description:
    'After `connected`, when the events since Last-Event-ID are no longer all in history',
};
const STREAM_ERROR: LibraryEvent = {
  payload: SseStreamErrorEvent,
  description:
    'Last event of a stream whose source failed after the headers were sent',
};

/**
 * The library's events of a stream, in the order they can come: before the
 * route's own (those of a broadcast stream), and after them.
 */
export function libraryEvents(broadcast: boolean): {
  first: Record<string, LibraryEvent>;
  last: Record<string, LibraryEvent>;
} {
  return {
    first: broadcast
      ? { [CONNECTED_EVENT]: CONNECTED, [HISTORY_GAP_EVENT]: HISTORY_GAP }
      : {},
    last: { [STREAM_ERROR_EVENT]: STREAM_ERROR },
  };
}
