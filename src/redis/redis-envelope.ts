import type { StoredEvent } from '../transports/transport-event.js';
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
}

/** The head JSON of an event about to be published. */
export function encodeEnvelopeHead(
  token: string,
  event: string,
  channel?: string,
  id?: string,
): string {
  const head: EnvelopeHead = { t: token, e: event };
  if (channel !== undefined) head.c = channel;
  if (id !== undefined) head.i = id;
  return JSON.stringify(head);
}

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
  const id = typeof fields.i === 'string' ? fields.i : seqText;
  const channel = typeof fields.c === 'string' ? fields.c : undefined;
  return {
    prev,
    token: typeof fields.t === 'string' ? fields.t : undefined,
    event: {
      seq,
      id,
      event: fields.e,
      channel,
      frame: SseFrame.fromEncoded(message.subarray(end + 1), {
        type: fields.e,
        id,
      }),
    },
  };
}
