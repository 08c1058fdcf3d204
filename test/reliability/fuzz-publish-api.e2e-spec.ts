import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { AccessTokens } from '../../demo/auth/access-tokens.js';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { http } from '../support/http.js';
import { normalizeLineBreaks } from '../support/parse-sse.js';
import { SseReader } from '../support/sse-reader.js';
import {
  RawJson,
  deepJson,
  hostileString,
  pollutingJson,
  toJsonText,
} from '../support/hostile.js';

/** HTTP round trips: bounded so the spec stays well under a minute. */
const RUNS = 300;

// Publishing and the `private:` channels need tokens once JWT_SECRET is set:
// the fuzzer holds tokens that may do everything, so only the input decides.
const SECRET = `fuzz-${Math.random().toString(36).slice(2)}`;
const tokens = new AccessTokens(SECRET);
const publisher = {
  authorization: `Bearer ${tokens.sign({ publish: ['*'] })}`,
};
const subscriber = {
  authorization: `Bearer ${tokens.sign({ subscribe: ['*'] })}`,
};

/** A field as a client may send it: valid names, hostile strings, any JSON type. */
const anyField = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/), weight: 8 },
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.constantFrom(null, true, false), weight: 1 },
  { arbitrary: fc.array(fc.string(), { maxLength: 2 }), weight: 1 },
  { arbitrary: fc.object({ maxDepth: 1 }), weight: 1 },
);

const anyData = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 6 },
  { arbitrary: hostileString, weight: 6 },
  { arbitrary: deepJson, weight: 1 },
  { arbitrary: pollutingJson, weight: 1 },
  { arbitrary: fc.object({ maxDepth: 2 }), weight: 2 },
  {
    // Around the 1 MB body limit: some fit, some get a 413.
    arbitrary: fc
      .integer({ min: 900_000, max: 1_100_000 })
      .map((n) => 'x'.repeat(n)),
    weight: 1,
  },
);

interface Input {
  body: string;
  contentType: string | undefined;
}

/** Mostly objects shaped like a publish, some of them broken; some raw garbage. */
const anyInput: fc.Arbitrary<Input> = fc.record({
  body: fc.oneof(
    {
      arbitrary: fc
        .record(
          {
            event: anyField,
            channel: anyField,
            data: anyData,
            id: anyField,
            extra: fc.jsonValue({ maxDepth: 1 }),
          },
          { requiredKeys: [] },
        )
        .chain((o) =>
          // Now and then a prototype key at the top level as well.
          fc.oneof(
            { arbitrary: fc.constant(o), weight: 9 },
            {
              arbitrary: fc.constant({
                ...o,
                ['__proto__']: new RawJson('{"polluted":"yes"}'),
              }),
              weight: 1,
            },
          ),
        )
        .map((o) => toJsonText(o)),
      weight: 12,
    },
    {
      arbitrary: fc.oneof(
        fc.string(),
        fc.constantFrom(
          '',
          'null',
          '[1,2]',
          '"data"',
          '{"data":',
          '{,}',
          '{"data":1}}',
        ),
        fc.jsonValue().map((v) => JSON.stringify(v)),
      ),
      weight: 2,
    },
  ),
  contentType: fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 12 },
    {
      arbitrary: fc.constantFrom(
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/jsonx',
        undefined,
      ),
      weight: 2,
    },
  ),
});

/** The data a client must read back: strings as sent (the spec turns CR/CRLF into LF), the rest as JSON. */
const wireData = (data: unknown) =>
  typeof data === 'string' ? normalizeLineBreaks(data) : JSON.stringify(data);

describe(`hostile input: ${RUNS} random publishes over HTTP`, () => {
  let demo: RunningDemo;
  let everyone: SseReader;
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype);

  before(async () => {
    demo = await startDemo({ jwtSecret: SECRET });
    everyone = await SseReader.open(`${demo.url}/sse/broadcast`);
    await everyone.take(1);
  });
  after(async () => {
    everyone?.close();
    await demo?.close();
  });

  it('answers every input with a clear 4xx or delivers exactly what was published, to the right streams only', async () => {
    // The id before each publish, for a replay that holds just the new event.
    let lastId = (
      await http('POST', `${demo.url}/api/broadcast`, {
        body: { event: 'start', data: 'start' },
        headers: publisher,
      })
    ).json.id as string;
    const toEveryone: { id: string; event: string; data: string }[] = [
      { id: lastId, event: 'start', data: 'start' },
    ];
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(anyInput, async ({ body, contentType }) => {
        const answer = await http('POST', `${demo.url}/api/broadcast`, {
          body,
          headers: {
            ...publisher,
            ...(contentType ? { 'content-type': contentType } : {}),
          },
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status !== 202) {
          assert.ok(
            answer.status >= 400 && answer.status < 500,
            `status ${answer.status}: ${answer.text.slice(0, 300)}`,
          );
          assert.equal(answer.json?.statusCode, answer.status, answer.text);
          const message = [answer.json.message].flat().join(' ');
          assert.ok(message.length > 0, 'the error says what is wrong');
          return;
        }
        // Accepted: the body was a JSON object with data, and a valid event/channel.
        const sent = JSON.parse(body) as {
          event?: string;
          channel?: string;
          data: unknown;
        };
        const event = sent.event ?? 'message';
        assert.equal(answer.json.event, event);
        const id = answer.json.id as string;
        const previous = lastId;
        lastId = id;
        const expected = { id, event, data: wireData(sent.data) };
        if (sent.channel === undefined) toEveryone.push(expected);
        // A reader of that channel replaying from the previous id gets
        // exactly this one event after `connected`.
        const query = new URLSearchParams({ lastEventId: previous });
        if (sent.channel !== undefined) query.set('channel', sent.channel);
        const reader = await SseReader.open(
          `${demo.url}/sse/broadcast?${query}`,
          subscriber,
        );
        try {
          assert.equal(reader.status, 200);
          const events = await reader.take(2);
          assert.equal(events[0].event, 'connected');
          const { id: gotId, event: gotEvent, data: gotData } = events[1];
          assert.deepEqual(
            { id: gotId, event: gotEvent, data: gotData },
            expected,
          );
        } finally {
          reader.close();
        }
      }),
      { numRuns: RUNS },
    );

    // The reader of everyone saw exactly the accepted events without a
    // channel, in order: nothing injected, nothing lost.
    await everyone.until(
      () => everyone.events.length - 1 >= toEveryone.length,
      5000,
      'every event to everyone',
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      everyone.events
        .slice(1)
        .map(({ id, event, data }) => ({ id, event, data })),
      toEveryone,
    );
    assert.equal(everyone.ended, false, 'the stream is still open');
    assert.equal((await http('GET', `${demo.url}/api/clients`)).status, 200);
    assert.deepEqual(
      Object.getOwnPropertyNames(Object.prototype),
      prototypeBefore,
      'Object.prototype untouched',
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const tally = [...statuses].sort().map(([s, n]) => `${s}: ${n}`);
    console.log(`# publish fuzz: ${RUNS} inputs -> ${tally.join(', ')}`);
    assert.ok(
      (statuses.get(202) ?? 0) > RUNS / 10,
      'enough were accepted to check delivery',
    );
  });
});
