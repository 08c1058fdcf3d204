// What the raw and floor servers share: open streams in a Set, each
// broadcast encoded once and written to every one with `res.write`.
import { randomUUID } from 'node:crypto';

export class BroadcastFloor {
  streams = new Set();
  seq = 0;

  /** Starts an SSE response on a raw ServerResponse and keeps it. */
  open(res) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
    });
    if (process.env.BENCH_RAW_CONNECTED) {
      // What the library sends every client first: headers and one event in
      // one write (profile-connect.mjs compares the two).
      res.write(
        Buffer.from(
          `id: ${this.seq}\nevent: connected\nretry: 2000\ndata: {"clientId":"${randomUUID()}","serverTime":"${new Date().toISOString()}"}\n\n`,
        ),
      );
    } else res.flushHeaders();
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  /** `{event, data}` -> one frame, written to every stream; the answer body. */
  publish(body) {
    const id = String(++this.seq);
    const data =
      typeof body.data === 'string' ? body.data : JSON.stringify(body.data);
    this.write(id, body.event ?? 'message', data);
    return { ok: true, id, connected: this.streams.size };
  }

  /** One frame, encoded once, to every stream (the cluster baseline calls it per Redis message). */
  write(id, event, data) {
    const frame = Buffer.from(`id: ${id}\nevent: ${event}\ndata: ${data}\n\n`);
    for (const stream of this.streams) stream.write(frame);
  }
}

/**
 * The raw servers' routes: `GET /sse/broadcast` opens a stream of `floor`;
 * `POST /api/broadcast` parses the JSON body and answers 202 with what
 * `publish(body)` gives (400 for a body that is not JSON); 404 otherwise.
 */
export function floorRoutes(floor, publish) {
  return (req, res) => {
    if (req.method === 'GET' && req.url.startsWith('/sse/broadcast')) {
      floor.open(res);
      return;
    }
    if (req.method === 'POST' && req.url === '/api/broadcast') {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', async () => {
        let body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          res.writeHead(400).end();
          return;
        }
        const answer = JSON.stringify(await publish(body));
        res.writeHead(202, { 'Content-Type': 'application/json' }).end(answer);
      });
      return;
    }
    res.writeHead(404).end();
  };
}
