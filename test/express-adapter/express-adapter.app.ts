import 'reflect-metadata';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  Req,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { SseExpressAdapter } from '../../src/express/index.js';
import type { BroadcastMessage, SseFrame } from '../../src/index.js';
import { BroadcastService, SseModule, SseRoute } from '../../src/index.js';

@Controller()
class ProbeController {
  constructor(private readonly broadcast: BroadcastService) {}

  /** What Express made of the request. */
  @Get('probe')
  probe(@Req() request: Request) {
    return {
      query: request.query,
      // Built with the prototype Express would have swapped in.
      expressPrototype:
        Object.getPrototypeOf(request) ===
        (request.app as unknown as { request: object }).request,
    };
  }

  /** A request that is never answered: only closing its socket ends it. */
  @Get('never')
  never(): Promise<never> {
    return new Promise<never>(() => undefined);
  }

  @SseRoute('stream')
  stream(): Observable<SseFrame> {
    return this.broadcast.stream();
  }

  @Post('publish')
  @HttpCode(202)
  async publish(@Body() body: BroadcastMessage) {
    return { id: await this.broadcast.publish(body) };
  }
}

@Module({
  imports: [SseModule.forRoot({ keepAliveSeconds: 60 })],
  controllers: [ProbeController],
})
class ProbeModule {}

/** A small app on `SseExpressAdapter`, listening on a free loopback port. */
export async function startOnSseExpressAdapter(
  options: NestApplicationOptions = {},
): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(ProbeModule, new SseExpressAdapter(), {
    logger: false,
    ...options,
  });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url };
}
