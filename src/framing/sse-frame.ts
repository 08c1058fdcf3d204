import { InvalidSseFieldException } from '../errors/invalid-sse-field.exception.js';
import type { SseMessage } from './sse-message.js';
import { ErrorMessages } from '../errors/error-messages.js';

const LINE_BREAK = /\r\n|\r|\n/;
const FORBIDDEN_IN_FIELD = /[\r\n\0]/;

/**
 * One encoded event: the exact bytes written to every client that receives
 * it. A broadcast is encoded once and the same `SseFrame` is written to each
 * recipient, so per-client work is a socket write.
 *
 * It also carries `data`/`type`/`id`/`retry`, the fields of Nest's
 * `MessageEvent`, so a stream of frames still works when returned from Nest's
 * own `@Sse()` (which re-encodes it per client).
 */
export class SseFrame {
  private constructor(
    /** The wire form, UTF-8. */
    readonly bytes: Buffer,
    /**
     * The `data` field as text (JSON for non-string payloads); undefined for
     * frames that dispatch no event (comments, `retry` alone).
     */
    readonly data: string | undefined,
    readonly type?: string,
    readonly id?: string,
    readonly retry?: number,
    readonly comment?: string,
  ) {}

  /**
   * Encodes an event, validating every field. Throws `InvalidSseFieldException`.
   * Without `data` the frame has no `data:` line and dispatches no event
   * (an `id` or `retry` on it still takes effect).
   */
  static from(message: SseMessage): SseFrame {
    const data =
      message.data === undefined ? undefined : serializeData(message.data);
    const { type, id, retry, comment } = message;
    let text = '';
    if (comment !== undefined) text += encodeComment(comment);
    if (id !== undefined) text += `id: ${checkField('id', id, true)}\n`;
    if (type !== undefined && type !== '') {
      text += `event: ${checkField('event', type)}\n`;
    }
    if (retry !== undefined) text += `retry: ${checkRetry(retry)}\n`;
    if (data !== undefined) {
      // JSON text is one line (JSON.stringify escapes line breaks).
      text +=
        typeof message.data === 'string'
          ? encodeDataLines(data)
          : `data: ${data}\n`;
    }
    text += '\n';
    return new SseFrame(Buffer.from(text, 'utf8'), data, type, id, retry);
  }

  /**
   * A frame that `SseFrame.from` encoded elsewhere (another instance, read
   * back from a transport): the bytes are kept as they are, the payload is
   * not serialized again. `bytes` must be one event as `from` writes it.
   */
  static fromEncoded(
    bytes: Buffer,
    fields: { type?: string; id?: string } = {},
  ): SseFrame {
    const data: string[] = [];
    for (const line of bytes.toString('utf8').split('\n')) {
      if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    return new SseFrame(bytes, data.join('\n'), fields.type, fields.id);
  }

  /** A comment-only frame (`: text`), which clients ignore. */
  static comment(text: string): SseFrame {
    return new SseFrame(
      Buffer.from(encodeComment(text) + '\n', 'utf8'),
      undefined,
      undefined,
      undefined,
      undefined,
      text,
    );
  }

  /** A frame carrying only a `retry:` field: sets the reconnection delay, dispatches nothing. */
  static retry(ms: number): SseFrame {
    return new SseFrame(
      Buffer.from(`retry: ${checkRetry(ms)}\n\n`, 'utf8'),
      undefined,
      undefined,
      undefined,
      ms,
    );
  }
}

/**
 * Turns a payload into the text of its `data` field: strings as they are,
 * anything else through `JSON.stringify`. Throws `InvalidSseFieldException` for
 * `undefined`, values JSON cannot encode (cycles, BigInt) and lone surrogates.
 */
export function serializeData(data: unknown): string {
  if (data === undefined) {
    throw new InvalidSseFieldException('data', ErrorMessages.undefinedData);
  }
  if (typeof data === 'string') {
    if (!data.isWellFormed()) {
      throw new InvalidSseFieldException('data', ErrorMessages.notWellFormed);
    }
    return data;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (err) {
    throw new InvalidSseFieldException(
      'data',
      ErrorMessages.unserializableData((err as Error).message),
    );
  }
  if (text === undefined) {
    throw new InvalidSseFieldException(
      'data',
      ErrorMessages.unserializableData(`a ${typeof data} is not JSON`),
    );
  }
  // JSON.stringify escapes lone surrogates: its output is well formed.
  return text;
}

/**
 * Validates a single-line field (`event`, `id`, `channel`): a CR, LF or NUL
 * would end the field early and let the rest pose as other fields.
 */
export function checkField(field: string, value: string, allowEmpty = false) {
  if (typeof value !== 'string') {
    throw new InvalidSseFieldException(field, 'must be a string');
  }
  if (!allowEmpty && value.length === 0) {
    throw new InvalidSseFieldException(field, ErrorMessages.emptyField);
  }
  if (FORBIDDEN_IN_FIELD.test(value)) {
    throw new InvalidSseFieldException(
      field,
      ErrorMessages.forbiddenCharacters,
    );
  }
  if (!value.isWellFormed()) {
    throw new InvalidSseFieldException(field, ErrorMessages.notWellFormed);
  }
  return value;
}

function checkRetry(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new InvalidSseFieldException(
      'retry',
      'must be a non-negative integer',
    );
  }
  return ms;
}

/** Every line of the payload becomes its own `data:` line: no payload can end the event early. */
function encodeDataLines(data: string): string {
  let out = '';
  for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out;
}

function encodeComment(text: string): string {
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += `: ${line}\n`;
  return out;
}
