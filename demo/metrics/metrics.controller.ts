import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { prometheusContentType } from 'prom-client';
import { SseMetrics } from './sse-metrics.js';

/** `GET /metrics` for Prometheus; an operations endpoint, kept out of the API docs. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: SseMetrics) {}

  @Get('metrics')
  @Header('Content-Type', prometheusContentType)
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
