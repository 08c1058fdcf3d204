import { Controller, Get, Header, Injectable } from '@nestjs/common';
import { BroadcastService, SseStreams } from 'nestjs-sse-broadcast';
import { Counter, Gauge, Registry } from 'prom-client';

/** The library's counters as Prometheus metrics, read when scraped. */
@Injectable()
export class SseMetrics {
  readonly registry = new Registry();

  constructor(broadcast: BroadcastService, streams: SseStreams) {
    const registers = [this.registry];
    new Gauge({
      name: 'sse_streams_open',
      help: 'SSE streams open now',
      registers,
      collect() {
        this.set(streams.stats.open);
      },
    });
    new Counter({
      name: 'sse_clients_dropped_total',
      help: 'Streams cut because the client stopped reading',
      registers,
      collect() {
        this.reset();
        this.inc(streams.stats.dropped);
      },
    });
    new Counter({
      name: 'sse_events_delivered_total',
      help: 'Live events handed to open streams, one per recipient',
      registers,
      collect() {
        this.reset();
        this.inc(broadcast.stats.delivered);
      },
    });
  }
}

@Controller()
export class MetricsController {
  constructor(private readonly metrics: SseMetrics) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
