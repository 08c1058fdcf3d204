import { EventSource } from 'eventsource';

/** One HTTP request an EventSource made (it reconnects by itself). */
export interface SourceRequest {
  lastEventId: string | null;
  status: number;
}

/** An event as an EventSource listener saw it. */
export interface SourceEvent {
  type: string;
  data: string;
  lastEventId: string;
}

/**
 * A real `eventsource` client that records every event of the given names
 * and every (re)connection it made, with the Last-Event-ID it sent.
 */
export class RecordingEventSource {
  readonly events: SourceEvent[] = [];
  readonly requests: SourceRequest[] = [];
  errors = 0;
  readonly source: EventSource;

  constructor(url: string, eventNames: string[]) {
    this.source = new EventSource(url, {
      fetch: async (input, init) => {
        const headers = new Headers(init?.headers);
        const request: SourceRequest = {
          lastEventId: headers.get('last-event-id'),
          status: 0,
        };
        this.requests.push(request);
        const response = await fetch(input, init);
        request.status = response.status;
        return response;
      },
    });
    const record = (event: MessageEvent) =>
      this.events.push({
        type: event.type,
        data: event.data as string,
        lastEventId: event.lastEventId,
      });
    for (const name of new Set(['message', ...eventNames])) {
      this.source.addEventListener(name, record);
    }
    this.source.addEventListener('error', () => this.errors++);
  }

  /** The recorded events of one name. */
  named(type: string): SourceEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  get readyState(): number {
    return this.source.readyState;
  }

  close(): void {
    this.source.close();
  }
}
