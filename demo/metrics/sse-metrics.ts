import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { BroadcastService, SseStreams } from '../../src/index.js';

/**
 * The Prometheus registry of the demo: the library's counters, read when
 * scraped (nothing runs between scrapes), plus the process's memory. One
 * registry per app, so several apps in one process do not collide. Channels
 * are not labels: clients choose their names, and labels must stay bounded.
 */
@Injectable()
export class SseMetrics {
  readonly registry = new Registry();

  constructor(broadcast: BroadcastService, streams: SseStreams) {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    const counter = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    gauge(
      'sse_clients_connected',
      'Broadcast streams open now',
      () => broadcast.stats.connected,
    );
    gauge(
      'sse_streams_open',
      'SSE streams of any route open now',
      () => streams.stats.open,
    );
    counter(
      'sse_streams_opened_total',
      'SSE streams opened since start',
      () => streams.stats.opened,
    );
    counter(
      'sse_events_published_total',
      'Events published through this process',
      () => broadcast.stats.published,
    );
    counter(
      'sse_events_delivered_total',
      'Live events handed to open streams, one per recipient',
      () => broadcast.stats.delivered,
    );
    counter(
      'sse_clients_dropped_total',
      'Streams cut because the client stopped reading',
      () => streams.stats.dropped,
    );
    counter(
      'sse_events_replayed_total',
      'Events replayed after Last-Event-ID',
      () => broadcast.stats.replayed,
    );
    gauge(
      'process_resident_memory_bytes',
      'Resident memory size in bytes',
      () => process.memoryUsage.rss(),
    );
    gauge(
      'nodejs_heap_size_used_bytes',
      'Process heap size used from Node.js in bytes',
      () => process.memoryUsage().heapUsed,
    );
  }

  /** The Prometheus text exposition format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
