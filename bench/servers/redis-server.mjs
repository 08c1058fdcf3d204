// A redis-server of the bench's own on a free loopback port, without
// persistence (never the one on 6379). Stopped by its PID.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { stopProcess } from './index.mjs';

/** A loopback port that was free a moment ago. */
export async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

function ping(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const finish = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => finish(chunk.toString().startsWith('+PONG')));
  });
}

/**
 * Starts redis-server (on `port`, or a free one); resolves with its URL and
 * PID once it answers PING. `kill()` crashes it (SIGKILL): started again on
 * the same port it comes back empty.
 */
export async function startRedisServer(port) {
  port ??= await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      tmpdir(),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise((_, reject) =>
    child
      .once('error', reject)
      .once('exit', (code) =>
        reject(new Error(`redis-server exited (${code})`)),
      ),
  );
  const deadline = Date.now() + 10_000;
  while (!(await Promise.race([ping(port), exited]))) {
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`redis-server did not answer on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  exited.catch(() => undefined);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    stop: () => stopProcess(child),
    kill: async () => {
      const gone = once(child, 'exit');
      child.kill('SIGKILL');
      await gone;
    },
  };
}
