import { SseFrame } from '../framing/sse-frame.js';
import { encodeEnvelopeHead } from './redis-envelope.js';

/** An envelope as the publish script builds it around the publisher's frame. */
export function envelopeOf(
  seq: number,
  prev: number,
  options: {
    event?: string;
    data?: string;
    channel?: string;
    id?: string;
    token?: string;
    user?: string;
    exceptUser?: string;
    exceptClient?: string;
  } = {},
): Buffer {
  const event = options.event ?? 'message';
  const head = encodeEnvelopeHead(options.token ?? 't', { ...options, event });
  const body = SseFrame.from({ type: event, data: options.data ?? 'x' }).bytes;
  return Buffer.concat([
    Buffer.from(`${seq} ${prev} ${head}\nid: ${options.id ?? seq}\n`),
    body,
  ]);
}
