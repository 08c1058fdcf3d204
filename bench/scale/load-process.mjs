// One load process of a scale run: holds its share of the clients (at most
// ~17k: a process may hold 20,000 open files) from its own loopback source
// address, and answers the coordinator (scale-load.mjs) over IPC:
//
//   { cmd: 'warm', urls, clients }       open and reset clients (JIT warm-up)
//   { cmd: 'connect', urls, clients, expectedEvents }
//   { cmd: 'wait', total, idleMs }       until `total` events arrived here
//   { cmd: 'measureFrom', seq }          latencies from broadcast `seq + 1` on
//   { cmd: 'report' }                    counts and the latencies
//   { cmd: 'verify', accepted }          who got every accepted seq, or a gap notice
//   { cmd: 'close' }                     reset every socket and exit
import { ClientPool } from '../client-pool.mjs';
import { now } from '../load-generator.mjs';

const localAddress = process.env.BENCH_LOCAL_ADDRESS || undefined;
const BATCH = 250;
let pool;

const handlers = {
  async warm({ urls, clients }) {
    const warm = new ClientPool({
      clients,
      expectedEvents: 0,
      measureFrom: 0,
      now,
      localAddress,
    });
    await warm.connect(urls, BATCH);
    warm.close();
    return { connectErrors: warm.connectErrors };
  },
  async connect({ urls, clients, expectedEvents, trackSeqUpTo }) {
    pool = new ClientPool({
      clients,
      expectedEvents,
      measureFrom: Number.MAX_SAFE_INTEGER,
      now,
      localAddress,
      trackSeqUpTo,
    });
    const ms = await pool.connect(urls, BATCH);
    return {
      ms,
      connected: clients - pool.connectErrors,
      connectErrors: pool.connectErrors,
      connectFailures: pool.connectFailures,
    };
  },
  async wait({ total, idleMs }) {
    const complete = await pool.waitFor(total, idleMs);
    return { complete, received: pool.received };
  },
  measureFrom({ seq }) {
    pool.measureFrom = seq;
    pool.latencyCount = 0;
    return {};
  },
  report() {
    return {
      received: pool.received,
      gaps: pool.gaps,
      reorders: pool.reorders,
      closedEarly: pool.closedEarly,
      latencies: pool.latencies.slice(0, pool.latencyCount),
    };
  },
  verify({ accepted }) {
    return pool.verify(accepted);
  },
  close() {
    pool?.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

// The coordinator may be gone when an answer is ready: nothing to tell then.
const answer = (message) =>
  process.connected && process.send(message, () => {});

process.on('message', async ({ id, cmd, ...args }) => {
  try {
    answer({ id, ok: await handlers[cmd](args) });
  } catch (err) {
    answer({ id, error: String(err?.stack ?? err) });
  }
});
// The coordinator went away: do not linger holding thousands of sockets.
process.on('disconnect', () => process.exit(0));
