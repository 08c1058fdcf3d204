import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { http, postBroadcast } from '../support/http.js';

/** One keep-alive connection, read as raw bytes: what a proxy or a health check sees. */
async function rawConnection(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  return {
    socket,
    get received() {
      return received;
    },
    take() {
      const text = received;
      received = '';
      return text;
    },
    async until(done: (text: string) => boolean, ms = 3000) {
      const deadline = Date.now() + ms;
      while (!done(received)) {
        if (Date.now() > deadline)
          throw new Error(`Timed out; received ${JSON.stringify(received)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

describe('HEAD on a stream route', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo({ keepAliveSeconds: 1 });
  });
  after(() => demo.close());

  for (const path of [
    '/sse/broadcast',
    '/sse/broadcast?channel=news',
    '/sse',
  ]) {
    it(`HEAD ${path}: the headers a GET gets, no body, no frame later, not counted`, async () => {
      const conn = await rawConnection(demo.url);
      try {
        conn.socket.write(
          `HEAD ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`,
        );
        await conn.until((t) => t.includes('\r\n\r\n'));
        const head = conn.take();
        assert.match(head, /^HTTP\/1\.1 200 /);
        assert.match(head, /\r\ncontent-type: text\/event-stream/i);
        assert.match(head, /\r\ncache-control: no-cache, no-transform/i);
        assert.ok(head.endsWith('\r\n\r\n'), JSON.stringify(head));

        // Not a client: no count, and nothing written to it afterwards
        // (a broadcast, a keep-alive comment).
        const clients = await http('GET', `${demo.url}/api/clients`);
        assert.equal(clients.json.connected, 0);
        const sent = await postBroadcast(demo.url, {
          event: 'after-head',
          data: 1,
          channel: path.includes('news') ? 'news' : undefined,
        });
        assert.equal(sent.status, 202);
        await new Promise((r) => setTimeout(r, 1300));
        assert.equal(conn.received, '', 'nothing after the headers');

        // The connection is still a valid HTTP/1.1 one.
        conn.socket.write(
          'GET /api/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
        );
        await conn.until((t) => /\r\n\r\n[\s\S]*\}/.test(t));
        assert.match(conn.received, /^HTTP\/1\.1 200 /);
        assert.match(conn.received, /"connected":0/);
      } finally {
        conn.socket.destroy();
      }
    });
  }

  it('HEAD through Node’s HTTP client: a 200 with no body', async () => {
    const answer = await http('HEAD', `${demo.url}/sse/broadcast`);
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^text\/event-stream/);
    assert.equal(answer.text, '');
  });
});
