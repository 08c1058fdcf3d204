// The baseline: plain node:http, each broadcast encoded once into a Buffer
// and written to every open response. The floor the library is measured against.
//
//   GET  /sse/broadcast   an SSE stream
//   POST /api/broadcast   {event, data} -> the frame goes to every stream
import { createServer } from 'node:http';
import { announceReady } from './ready.mjs';

const streams = new Set();
let seq = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/sse/broadcast')) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
    });
    res.flushHeaders();
    streams.add(res);
    res.on('close', () => streams.delete(res));
    return;
  }
  if (req.method === 'POST' && req.url === '/api/broadcast') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      const id = String(++seq);
      const data =
        typeof body.data === 'string' ? body.data : JSON.stringify(body.data);
      const frame = Buffer.from(
        `id: ${id}\nevent: ${body.event ?? 'message'}\ndata: ${data}\n\n`,
      );
      for (const stream of streams) stream.write(frame);
      const answer = JSON.stringify({ ok: true, id, connected: streams.size });
      res.writeHead(202, { 'Content-Type': 'application/json' }).end(answer);
    });
    return;
  }
  res.writeHead(404).end();
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  announceReady(server),
);
