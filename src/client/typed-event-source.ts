// Front-end code: no Nest, no Node. It types an EventSource that the caller
// creates (the browser's, or the `eventsource` package's).

/** An event as EventSource dispatches it. */
export interface MessageEventLike {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
}

/** What this wrapper needs of a WHATWG `EventSource`. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(
    type: string,
    listener: (event: MessageEventLike) => void,
  ): void;
  removeEventListener(
    type: string,
    listener: (event: MessageEventLike) => void,
  ): void;
  close(): void;
}

/** Event name → the type of its decoded `data` (an interface will do). */
export type EventMap = object;

/**
 * The event map of an `@ApiEventStream({ events })` declaration: each DTO
 * class becomes its instance type, an inline schema `unknown`. Import the
 * declaration with `import type`, and the front end gets the server's types
 * without its code.
 */
export type EventsOf<T> = {
  [K in keyof T & string]: T[K] extends abstract new (
    ...args: never[]
  ) => infer Instance
    ? Instance
    : unknown;
};

/** One received event, its `data` decoded. */
export interface TypedEvent<Name extends string, Data> {
  event: Name;
  data: Data;
  /** The stream's last event id (what a reconnect sends as Last-Event-ID). */
  lastEventId: string;
}

/** Decodes `data`: JSON when it parses, the text as it came otherwise. */
export function decodeEventData(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * An `EventSource` whose listeners get typed, decoded events. `Events` maps
 * each event name to its data type (see `EventsOf`); `on` accepts only
 * those names. The data is trusted as it arrives: it is not validated.
 *
 * ```ts
 * const ticks = new TypedEventSource<TickEvents>(new EventSource('/sse'));
 * ticks.on('tick', ({ data }) => console.log(data.i, 'of', data.count));
 * ```
 */
export class TypedEventSource<Events extends EventMap> {
  constructor(
    /** The wrapped source: its reconnects and `readyState` are its own. */
    readonly source: EventSourceLike,
    private readonly decode: (data: string) => unknown = decodeEventData,
  ) {}

  /** Calls `listener` for every `event`; returns a function that stops it. */
  on<Name extends keyof Events & string>(
    event: Name,
    listener: (event: TypedEvent<Name, Events[Name]>) => void,
  ): () => void {
    const handler = (message: MessageEventLike) =>
      listener({
        event,
        data: this.decode(message.data) as Events[Name],
        lastEventId: message.lastEventId,
      });
    this.source.addEventListener(event, handler);
    return () => this.source.removeEventListener(event, handler);
  }

  /** Resolves with the next `event` (for one-off waits). */
  once<Name extends keyof Events & string>(
    event: Name,
  ): Promise<TypedEvent<Name, Events[Name]>> {
    return new Promise((resolve) => {
      const stop = this.on(event, (received) => {
        stop();
        resolve(received);
      });
    });
  }

  /** Closes the connection: no more events, no reconnect. */
  close(): void {
    this.source.close();
  }
}
