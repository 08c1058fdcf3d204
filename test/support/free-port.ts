import { once } from 'node:events';
import { createServer } from 'node:net';

/** A TCP port that was free a moment ago on `host` (the OS picks it; it is released before use). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
