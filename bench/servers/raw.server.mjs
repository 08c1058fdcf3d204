// The baseline: plain node:http, each broadcast encoded once into a Buffer
// and written to every open response. The floor the library is measured against.
//
//   GET  /sse/broadcast   an SSE stream
//   POST /api/broadcast   {event, data} -> the frame goes to every stream
import { createServer } from 'node:http';
import { BroadcastFloor } from './broadcast-floor.mjs';
import { announceReady } from './ready.mjs';

const floor = new BroadcastFloor();

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/sse/broadcast')) {
    floor.open(res);
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
      const answer = JSON.stringify(floor.publish(body));
      res.writeHead(202, { 'Content-Type': 'application/json' }).end(answer);
    });
    return;
  }
  res.writeHead(404).end();
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  announceReady(server),
);
