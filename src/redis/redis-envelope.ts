import type {
  OutgoingEvent,
  StoredEvent,
} from '../transports/transport-event.js';
import { SseFrame } from '../framing/sse-frame.js';

/**
 * An event as it travels through Redis (pub/sub message and history entry
 * alike): `<seq> <prev> <head JSON>\n<frame bytes>`. The publishing instance
 * encodes the frame once; every receiver keeps those bytes as they are.
 */
export interface RedisEnvelope {
  /** The `seq` of the event the publisher's Redis issued just before this one (0: none). */
  readonly prev: number;
  /** Set by the publishing transport to recognize its own event coming back. */
  readonly token?: string;
  readonly event: StoredEvent;
}

/** What the publisher puts in the head; `seq`, `prev` and the `id:` line are added by Redis. */
interface EnvelopeHead {
  /** token */
  t?: string;
  /** event name */
  e: string;
  /** channel */
  c?: string;
  /** wire id chosen by the publisher (absent: the decimal `seq`) */
  i?: string;
  /** user (only their streams) */
  u?: string;
  /** except this user */
  x?: string;
  /** except this client */
  k?: string;
}

/** The head JSON of an event about to be published (`data` travels as the frame). */
export function encodeEnvelopeHead(
  token: string,
  event: Omit<OutgoingEvent, 'data'>,
): string {
  const head: EnvelopeHead = { t: token, e: event.event };
  if (event.channel !== undefined) head.c = event.channel;
  if (event.id !== undefined) head.i = event.id;
  if (event.user !== undefined) head.u = event.user;
  if (event.exceptUser !== undefined) head.x = event.exceptUser;
  if (event.exceptClient !== undefined) head.k = event.exceptClient;
  return JSON.stringify(head);
}

const text = (value: unknown) =>
  typeof value === 'string' ? value : undefined;

/** Reads one envelope; throws on anything this transport did not write. */
export function decodeEnvelope(message: Buffer): RedisEnvelope {
  const end = message.indexOf(10);
  const head = end < 0 ? '' : message.toString('utf8', 0, end);
  const first = head.indexOf(' ');
  const second = head.indexOf(' ', first + 1);
  const seqText = head.slice(0, first);
  const seq = Number(seqText);
  const prev = Number(head.slice(first + 1, second));
  let fields: Partial<EnvelopeHead> | undefined;
  try {
    fields = JSON.parse(head.slice(second + 1)) as Partial<EnvelopeHead>;
  } catch {
    fields = undefined;
  }
  if (
    first <= 0 ||
    second <= first ||
    !/^\d+$/.test(seqText) ||
    !Number.isSafeInteger(seq) ||
    !Number.isSafeInteger(prev) ||
    typeof fields?.e !== 'string'
  ) {
    throw new Error(
      `Not an SSE event envelope: ${JSON.stringify(head.slice(0, 80))}`,
    );
  }
  const id = text(fields.i) ?? seqText;
  return {
    prev,
    token: text(fields.t),
    event: {
      seq,
      id,
      event: fields.e,
      channel: text(fields.c),
      user: text(fields.u),
      exceptUser: text(fields.x),
      exceptClient: text(fields.k),
      frame: SseFrame.fromEncoded(message.subarray(end + 1), {
        type: fields.e,
        id,
      }),
    },
  };
}
