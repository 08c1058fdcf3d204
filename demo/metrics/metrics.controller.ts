import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { prometheusContentType } from 'prom-client';
import { SseMetrics } from './sse-metrics.js';

@ApiTags('Operations')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: SseMetrics) {}

  @Get('metrics')
  @Header('Content-Type', prometheusContentType)
  @ApiOperation({
    operationId: 'getMetrics',
    summary: 'Prometheus metrics: streams, events, drops, memory',
    security: [],
  })
  @ApiProduces(prometheusContentType)
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
