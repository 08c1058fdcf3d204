import Fastify from 'fastify';
import { announceReady } from './ready.mjs';
const app = Fastify(); const streams = new Set();
app.get('/sse/broadcast', (req, reply) => { reply.hijack(); const res = reply.raw; res.setHeader('content-type', 'text/event-stream'); res.flushHeaders(); streams.add(res); res.on('close', () => streams.delete(res)); });
await app.listen({ port: 0, host: '127.0.0.1' });
announceReady(app.server);
