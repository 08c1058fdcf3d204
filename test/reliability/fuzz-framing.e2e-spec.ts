import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { BroadcastService, InvalidSseFieldException } from '../../src/index.js';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { normalizeLineBreaks } from '../support/parse-sse.js';
import { SseReader } from '../support/sse-reader.js';
import { NASTY_STRINGS, hostileString } from '../support/hostile.js';

const RUNS = 500;

/** A payload built when used, so counterexample reports stay small. */
class Lazy {
  constructor(readonly make: () => unknown) {}
  toString() {
    return `Lazy(${String(this.make)})`;
  }
}

const cyclic = () => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
};
const deep = (depth: number) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** Any payload a program may hand to `publish`, JSON-able or not. */
const anyPayload = fc.oneof(
  { arbitrary: hostileString, weight: 6 },
  { arbitrary: fc.jsonValue(), weight: 4 },
  { arbitrary: fc.anything({ maxDepth: 3 }), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown,
      JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}') as unknown,
      { toString: 1, valueOf: 'x', toJSON: undefined },
      { toJSON: () => 'from toJSON' },
      [undefined, () => 1, Symbol('s')],
      new Date(0),
      new Map([[1, 2]]),
      Buffer.from('bytes'),
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom(
      new Lazy(() => undefined),
      new Lazy(() => 10n),
      new Lazy(() => Symbol('x')),
      new Lazy(() => () => 1),
      new Lazy(cyclic),
      new Lazy(() => deep(100_000)),
      new Lazy(() => 'x'.repeat(2_000_000) + '\r\n' + 'y'.repeat(10)),
    ),
    weight: 1,
  },
);

const anyName = fc.option(
  fc.oneof(hostileString, fc.constantFrom(...NASTY_STRINGS)),
  { nil: undefined, freq: 3 },
);

describe(`hostile input: ${RUNS} random events through BroadcastService to a real stream`, () => {
  let demo: RunningDemo;
  let reader: SseReader;
  let service: BroadcastService;

  before(async () => {
    demo = await startDemo();
    service = demo.app.get(BroadcastService);
    reader = await SseReader.open(`${demo.url}/sse/broadcast`);
    await reader.take(1);
  });
  after(async () => {
    reader?.close();
    await demo?.close();
  });

  it('refuses an event with a typed 400 or frames it so a spec parser reads back exactly what was published', async () => {
    const accepted: { id: string; event: string; data: string }[] = [];
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        anyName,
        anyName,
        anyPayload,
        async (event, id, payload) => {
          const value = payload instanceof Lazy ? payload.make() : payload;
          let expectedData: string | undefined;
          try {
            expectedData =
              typeof value === 'string'
                ? normalizeLineBreaks(value)
                : JSON.stringify(value);
          } catch {
            expectedData = undefined;
          }
          let published: string;
          try {
            published = await service.publish({ event, id, data: value });
          } catch (err) {
            assert.ok(err instanceof InvalidSseFieldException, String(err));
            assert.equal(err.getStatus(), 400);
            assert.match(err.message, /^Invalid SSE (event|id|data|channel): /);
            refused++;
            return;
          }
          assert.notEqual(
            expectedData,
            undefined,
            'accepted only what JSON can carry',
          );
          if (id !== undefined) assert.equal(published, id);
          const expected = {
            id: published,
            event: event ?? 'message',
            data: expectedData!,
          };
          accepted.push(expected);
          const got = (await reader.take(accepted.length + 1, 10_000)).at(-1)!;
          assert.deepEqual(
            { id: got.id, event: got.event, data: got.data },
            expected,
          );
        },
      ),
      { numRuns: RUNS },
    );
    // Nothing beyond what was accepted reached the stream.
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      reader.events
        .slice(1)
        .map(({ id, event, data }) => ({ id, event, data })),
      accepted,
    );
    assert.equal(reader.ended, false);
    console.log(
      `# framing fuzz: ${RUNS} events -> ${accepted.length} delivered exactly, ${refused} refused with 400`,
    );
    assert.ok(accepted.length > RUNS / 4 && refused > RUNS / 20);
  });
});
