// The Fastify floor: the raw server's logic (frame built once, res.write to
// each) in a bare Fastify app, writing to `reply.raw` as Nest's Fastify
// adapter does for SSE.
import Fastify from 'fastify';
import { announceReady } from './ready.mjs';
import { BroadcastFloor } from './broadcast-floor.mjs';

const floor = new BroadcastFloor();
const app = Fastify({ bodyLimit: 1024 * 1024 });
app.get('/sse/broadcast', (request, reply) => {
  reply.hijack();
  floor.open(reply.raw);
});
app.post('/api/broadcast', (request, reply) => {
  reply.code(202).send(floor.publish(request.body));
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
announceReady(app.server);
