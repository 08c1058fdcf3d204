// The baseline of cluster runs: WORKERS plain node:http processes behind
// Node's `cluster` (one port), fed by one Redis channel, as the demo's
// workers are. A POST takes an id (INCR) and PUBLISHes the event; every
// worker (the one that took the POST too) receives it from the channel,
// encodes the frame once and writes it to each of its streams.
//
//   WORKERS=6 REDIS_URL=redis://127.0.0.1:6390 node bench/servers/raw-cluster.server.mjs
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { BroadcastFloor, floorRoutes } from './broadcast-floor.mjs';

const workers = Number(process.env.WORKERS ?? 2);
const prefix = process.env.REDIS_KEY_PREFIX || 'bench:';
const channel = `${prefix}raw`;

if (cluster.isPrimary) {
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    if (++listening === workers)
      process.stdout.write(`READY ${address.port}\n`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      console.error(
        `raw-cluster: worker ${worker.id} ended (${signal ?? code})`,
      );
      process.exit(1);
    }
    if (Object.keys(cluster.workers).length === 0) process.exit(0);
  });
  let stopping = false;
  process.once('SIGTERM', () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers)) worker.kill('SIGTERM');
  });
  for (let n = 0; n < workers; n++) cluster.fork();
} else {
  const floor = new BroadcastFloor();
  const publisher = new Redis(process.env.REDIS_URL);
  const subscriber = new Redis(process.env.REDIS_URL);
  await subscriber.subscribe(channel);
  subscriber.on('message', (_channel, message) => {
    const { id, event, data } = JSON.parse(message);
    floor.write(id, event, data);
  });

  const server = createServer(
    floorRoutes(floor, async (body) => {
      const id = String(await publisher.incr(`${prefix}raw-seq`));
      const data =
        typeof body.data === 'string' ? body.data : JSON.stringify(body.data);
      const event = body.event ?? 'message';
      await publisher.publish(channel, JSON.stringify({ id, event, data }));
      return { ok: true, id };
    }),
  );
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  process.once('SIGTERM', () => process.exit(0));
}
