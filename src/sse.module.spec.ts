import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DynamicModule, Type } from '@nestjs/common';
import { Inject, Injectable, Module } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import { firstValueFrom, toArray } from 'rxjs';
import { BroadcastService } from './broadcast/broadcast.service.js';
import { ResolvedSseOptions } from './resolved-sse-options.js';
import { SseStreams } from './streaming/sse-streams.js';
import { StreamRegistry } from './streaming/stream.registry.js';
import type { SseModuleOptions } from './sse-module-options.js';
import { SseModule } from './sse.module.js';
import {
  DEFAULT_KEEP_ALIVE_SECONDS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CHANNELS_PER_STREAM,
  DEFAULT_RETRY_MS,
  DEFAULT_SHUTDOWN_RETRY_SPREAD_MS,
} from './sse.constants.js';
import { InMemoryTransport } from './transports/in-memory.transport.js';
import { SseTransport } from './transports/sse.transport.js';

const CONFIG = Symbol('CONFIG');

/** A stand-in for an app's config module (what `inject`/`imports` point at). */
@Module({
  providers: [{ provide: CONFIG, useValue: { keepAlive: 7, history: 3 } }],
  exports: [CONFIG],
})
class ConfigModule {}

@Injectable()
class SseConfigService {
  constructor(
    @Inject(CONFIG)
    private readonly config: { keepAlive: number; history: number },
  ) {}

  create(): SseModuleOptions {
    return {
      keepAliveSeconds: this.config.keepAlive,
      transport: new InMemoryTransport({ historySize: this.config.history }),
    };
  }
}

@Module({
  imports: [ConfigModule],
  providers: [SseConfigService],
  exports: [SseConfigService],
})
class SseConfigModule {}

/** A feature module that injects BroadcastService without importing SseModule. */
@Injectable()
class FeatureService {
  constructor(readonly broadcast: BroadcastService) {}
}
@Module({ providers: [FeatureService], exports: [FeatureService] })
class FeatureModule {}

async function compile(...imports: (Type | DynamicModule)[]) {
  const moduleRef = await Test.createTestingModule({ imports }).compile();
  await moduleRef.init();
  return moduleRef;
}

const expectedOptions = (overrides: Partial<ResolvedSseOptions> = {}) => ({
  keepAliveSeconds: DEFAULT_KEEP_ALIVE_SECONDS,
  retryMs: DEFAULT_RETRY_MS,
  maxClients: Number.POSITIVE_INFINITY,
  maxBufferedBytes: DEFAULT_MAX_BUFFERED_BYTES,
  maxClientsPerAddress: Number.POSITIVE_INFINITY,
  maxChannelsPerStream: DEFAULT_MAX_CHANNELS_PER_STREAM,
  retryAfterSeconds: Math.ceil(DEFAULT_RETRY_MS / 1000),
  shutdownRetrySpreadMs: DEFAULT_SHUTDOWN_RETRY_SPREAD_MS,
  adoptNestSse: true,
  ...overrides,
});

/** The resolved options as a plain object. */
const resolved = (moduleRef: TestingModule) => ({
  ...moduleRef.get<ResolvedSseOptions>(ResolvedSseOptions),
});

/** How many events the module's transport keeps, seen from the outside. */
async function historyKept(moduleRef: TestingModule) {
  const broadcast = moduleRef.get(BroadcastService);
  const first = await broadcast.publish({ data: 0 });
  for (let i = 1; i < 10; i++) await broadcast.publish({ data: i });
  const replay = await moduleRef
    .get<SseTransport>(SseTransport)
    .replay(first, []);
  return replay.gap ? replay.events.length : replay.events.length + 1;
}

describe('SseModule registration', () => {
  it('forRoot({}) provides the service, transport, stream counts and resolved defaults', async () => {
    const moduleRef = await compile(SseModule.forRoot({}));
    assert.ok(moduleRef.get(BroadcastService) instanceof BroadcastService);
    assert.ok(moduleRef.get(SseTransport) instanceof InMemoryTransport);
    const streams = moduleRef.get(SseStreams);
    assert.equal(streams, moduleRef.get(StreamRegistry));
    assert.deepEqual(streams.stats, { open: 0, opened: 0, dropped: 0 });
    assert.deepEqual(resolved(moduleRef), expectedOptions());
    await moduleRef.close();
  });

  it('forRoot(options) applies every option over the defaults', async () => {
    const moduleRef = await compile(
      SseModule.forRoot({
        keepAliveSeconds: 0,
        retryMs: 500,
        maxClients: 2,
        maxClientsPerAddress: 1,
        maxBufferedBytes: 1024,
        shutdownRetrySpreadMs: 10,
      }),
    );
    assert.deepEqual(
      resolved(moduleRef),
      expectedOptions({
        keepAliveSeconds: 0,
        retryMs: 500,
        maxClients: 2,
        maxClientsPerAddress: 1,
        maxBufferedBytes: 1024,
        retryAfterSeconds: 1,
        shutdownRetrySpreadMs: 10,
      }),
    );
    await moduleRef.close();
  });

  it('forRoot() sends retryMs in the first frame of every stream', async () => {
    const moduleRef = await compile(SseModule.forRoot({ retryMs: 1234 }));
    const stream = moduleRef.get(BroadcastService).stream();
    const frames: string[] = [];
    stream.subscribe((f) => frames.push(f.bytes.toString()));
    assert.match(frames[0], /^retry: 1234$/m);
    await moduleRef.close();
  });

  it('forRoot({ transport }) injects that very instance everywhere', async () => {
    const transport = new InMemoryTransport({ firstSeq: 42 });
    const moduleRef = await compile(SseModule.forRoot({ transport }));
    assert.equal(moduleRef.get(SseTransport), transport);
    assert.equal(
      await moduleRef.get(BroadcastService).publish({ data: 1 }),
      '42',
    );
    await moduleRef.close();
  });

  it('forRootAsync({ useFactory }) resolves an async factory', async () => {
    const moduleRef = await compile(
      SseModule.forRootAsync({
        useFactory: async () => {
          await new Promise((r) => setTimeout(r, 5));
          return {
            retryMs: 900,
            transport: new InMemoryTransport({ historySize: 2 }),
          };
        },
      }),
    );
    const options = moduleRef.get(ResolvedSseOptions);
    assert.equal(options.retryMs, 900);
    assert.equal(options.keepAliveSeconds, DEFAULT_KEEP_ALIVE_SECONDS);
    assert.equal(await historyKept(moduleRef), 2);
    await moduleRef.close();
  });

  it('forRootAsync({ useFactory, inject, imports }) reads from another module', async () => {
    const moduleRef = await compile(
      SseModule.forRootAsync({
        imports: [ConfigModule],
        inject: [CONFIG],
        useFactory: (config: { keepAlive: number; history: number }) => ({
          keepAliveSeconds: config.keepAlive,
          transport: new InMemoryTransport({ historySize: config.history }),
        }),
      }),
    );
    assert.equal(moduleRef.get(ResolvedSseOptions).keepAliveSeconds, 7);
    assert.equal(await historyKept(moduleRef), 3);
    await moduleRef.close();
  });

  it('forRootAsync({ useFactory }) can supply the transport', async () => {
    const transport = new InMemoryTransport({ firstSeq: 7 });
    const moduleRef = await compile(
      SseModule.forRootAsync({ useFactory: () => ({ transport }) }),
    );
    assert.equal(moduleRef.get(SseTransport), transport);
    await moduleRef.close();
  });

  it('forRootAsync({ useClass }) builds its own options factory', async () => {
    const moduleRef = await compile(
      SseModule.forRootAsync({
        imports: [ConfigModule],
        useClass: SseConfigService,
      }),
    );
    assert.equal(moduleRef.get(ResolvedSseOptions).keepAliveSeconds, 7);
    await moduleRef.close();
  });

  it('forRootAsync({ useExisting }) reuses a factory from an imported module', async () => {
    const moduleRef = await compile(
      SseModule.forRootAsync({
        imports: [SseConfigModule],
        useExisting: SseConfigService,
      }),
    );
    assert.equal(moduleRef.get(ResolvedSseOptions).keepAliveSeconds, 7);
    assert.equal(await historyKept(moduleRef), 3);
    await moduleRef.close();
  });

  it('is global by default: other modules inject BroadcastService without importing it', async () => {
    for (const sse of [
      SseModule.forRoot({}),
      SseModule.forRootAsync({ useFactory: () => ({}) }),
    ]) {
      const moduleRef = await compile(sse, FeatureModule);
      assert.equal(
        moduleRef.get(FeatureService).broadcast,
        moduleRef.get(BroadcastService),
      );
      await moduleRef.close();
    }
  });

  it('is not global with isGlobal: false', async () => {
    for (const sse of [
      SseModule.forRoot({ isGlobal: false }),
      SseModule.forRootAsync({ isGlobal: false, useFactory: () => ({}) }),
    ]) {
      await assert.rejects(
        Test.createTestingModule({ imports: [sse, FeatureModule] }).compile(),
        /BroadcastService/,
      );
    }
  });

  it('works with forRoot() and no argument: every option has its default', async () => {
    const moduleRef = await compile(SseModule.forRoot());
    const options = moduleRef.get(ResolvedSseOptions);
    assert.equal(options.keepAliveSeconds, DEFAULT_KEEP_ALIVE_SECONDS);
    assert.ok(moduleRef.get(SseTransport) instanceof InMemoryTransport);
    assert.ok(moduleRef.get(BroadcastService));
    await moduleRef.close();
  });

  it("names the type of a bad option's value, and the conversion a string needs", async () => {
    // What ConfigService.get() gives for a variable read from the environment.
    await assert.rejects(
      compile(
        SseModule.forRoot({ keepAliveSeconds: '2' as unknown as number }),
      ),
      {
        message:
          'SseModule option keepAliveSeconds must be a non-negative number, got the string "2" (convert it: Number(value))',
      },
    );
    await assert.rejects(compile(SseModule.forRoot({ maxClients: -1 })), {
      message:
        'SseModule option maxClients must be a non-negative number, got the number -1',
    });
    assert.throws(
      () => new InMemoryTransport({ historySize: '2' as unknown as number }),
      {
        message:
          'InMemoryTransport option historySize must be an integer of at least 0, got the string "2" (convert it: Number(value))',
      },
    );
  });

  it('refuses invalid options with a message naming the option', async () => {
    for (const [options, name] of [
      [{ keepAliveSeconds: -1 }, 'keepAliveSeconds'],
      [{ maxClients: NaN }, 'maxClients'],
      [{ retryMs: '5' as unknown as number }, 'retryMs'],
    ] as const) {
      await assert.rejects(
        compile(SseModule.forRoot(options)),
        new RegExp(`option ${name} must be a non-negative number`),
      );
    }
  });

  it("refuses adoptNestSse other than true, false or 'always'", async () => {
    for (const adoptNestSse of ['yes', 1, 'never']) {
      await assert.rejects(
        compile(SseModule.forRoot({ adoptNestSse } as SseModuleOptions)),
        /option adoptNestSse must be true, false or 'always'/,
      );
    }
    for (const adoptNestSse of [true, false, 'always'] as const) {
      const moduleRef = await compile(SseModule.forRoot({ adoptNestSse }));
      assert.equal(resolved(moduleRef).adoptNestSse, adoptNestSse);
      await moduleRef.close();
    }
  });

  it('ends every open stream when the module closes', async () => {
    const moduleRef = await compile(SseModule.forRoot({}));
    const broadcast = moduleRef.get(BroadcastService);
    const ended = firstValueFrom(broadcast.stream().pipe(toArray()));
    await moduleRef.close();
    const frames = await ended;
    assert.equal(
      frames.length,
      2,
      'the connected event, the shutdown retry frame, then completion',
    );
    // The id is the client's position (the transport's head): unchanged.
    assert.match(frames[1].bytes.toString(), /^id: \d+\nretry: \d+\n\n$/);
  });
});
