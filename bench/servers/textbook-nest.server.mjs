// "Textbook Nest": what the Nest docs lead to. A service holds a Subject of
// MessageEvents, the controller returns it from Nest's own @Sse(), and Nest
// encodes every event once per subscriber. Same routes as the raw server.
// Plain JS, so the decorators are applied with Reflect.decorate.
import 'reflect-metadata';
import {
  Body,
  Controller,
  HttpCode,
  Inject,
  Injectable,
  Module,
  Post,
  Sse,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Subject } from 'rxjs';
import { announceReady } from './ready.mjs';

class EventsService {
  events = new Subject();
  seq = 0;

  publish(event, data) {
    const id = String(++this.seq);
    this.events.next({ type: event, id, data });
    return id;
  }
}
Reflect.decorate([Injectable()], EventsService);

class EventsController {
  constructor(service) {
    this.service = service;
  }

  stream() {
    return this.service.events.asObservable();
  }

  publish(body) {
    const id = this.service.publish(body.event ?? 'message', body.data);
    return { ok: true, id, connected: this.service.events.observers.length };
  }
}
Reflect.decorate([Controller()], EventsController);
Inject(EventsService)(EventsController, undefined, 0);
const method = (name, decorators) =>
  Reflect.decorate(
    decorators,
    EventsController.prototype,
    name,
    Object.getOwnPropertyDescriptor(EventsController.prototype, name),
  );
method('stream', [Sse('sse/broadcast')]);
Body()(EventsController.prototype, 'publish', 0);
method('publish', [Post('api/broadcast'), HttpCode(202)]);

class AppModule {}
Reflect.decorate(
  [Module({ controllers: [EventsController], providers: [EventsService] })],
  AppModule,
);

const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
announceReady(app.getHttpServer());
