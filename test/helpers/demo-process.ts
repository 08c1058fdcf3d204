import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { http } from './http.js';
import { waitFor } from './wait.js';

/** The repository root (this file runs from dist/test/helpers). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A TCP port that was free a moment ago on `host`. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface DemoProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (to the whole process group when started through npm). */
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Starts the built demo as its own process (`node dist/demo/main.js`, or
 * `npm run start:prod`) with `env` on a free loopback port, and waits until it
 * answers.
 */
export async function startDemoProcess(
  env: Record<string, string> = {},
  options: { viaNpm?: boolean; host?: string } = {},
): Promise<DemoProcess> {
  const host = options.host ?? '127.0.0.1';
  const port = await freePort(host);
  const [command, args] = options.viaNpm
    ? ['npm', ['run', '--silent', 'start:prod']]
    : [process.execPath, ['dist/demo/main.js']];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      DEMO_LOG: '',
      PORT: String(port),
      HOST: host,
      ...env,
    },
    // Its own group, so a signal reaches node behind npm and sh.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let ended = false;
  void exited.then(() => (ended = true));
  const url = `http://${host}:${port}`;
  const demo: DemoProcess = {
    child,
    url,
    output: () => output,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (ended || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    },
  };
  try {
    await waitFor(
      async () => {
        if (ended) throw new Error(`The demo exited early:\n${output}`);
        return http('GET', `${url}/api/clients`).then(
          (r) => r.status === 200,
          () => false,
        );
      },
      20_000,
      `the demo to answer on ${url}`,
    );
  } catch (err) {
    demo.kill('SIGKILL');
    throw err;
  }
  return demo;
}

/** Stops it (SIGTERM, then SIGKILL after `graceMs`) and waits for the exit. */
export async function stopDemoProcess(
  demo: DemoProcess,
  graceMs = 10_000,
): Promise<void> {
  demo.kill('SIGTERM');
  const timer = setTimeout(() => demo.kill('SIGKILL'), graceMs);
  await demo.exited;
  clearTimeout(timer);
}
