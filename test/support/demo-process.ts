import type { ChildProcess, StdioOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DemoConfig } from '../../demo/demo-config.js';
import type { BroadcastStats, SseStreamStats } from '../../src/index.js';
import { freePort } from './free-port.js';
import { http } from './http.js';
import { ROOT } from './paths.js';
import { waitFor } from './wait.js';

/** What an instrumented demo reports about itself. */
export interface DemoReport {
  rss: number;
  heapUsed: number;
  /** Whether a full GC ran first (the process has --expose-gc). */
  collected: boolean;
  /** `process.getActiveResourcesInfo()`, counted by kind (Timeout, TCPSocketWrap...). */
  resources: Record<string, number>;
  /** Listener counts on the HTTP server and on `process`. */
  listeners: Record<string, number>;
  stats: BroadcastStats;
  channels: Record<string, number>;
  streams: SseStreamStats;
  /** Process warnings seen (MaxListenersExceededWarning and the like). */
  warnings: string[];
}

export interface DemoProcessOptions {
  /**
   * `main` (default): the built demo as users start it (`node
   * dist/demo/main.js`), configured by `env`. `instrumented`: the demo built
   * from `config` in `demo-process.main.js`, which answers `report()` and
   * `peek()` over IPC and runs with --expose-gc.
   */
  entry?: 'main' | 'instrumented';
  /** Environment of the process, over this one's (`main`: PORT and HOST are set here). */
  env?: Record<string, string>;
  /** Config of the `instrumented` demo, over the tests' defaults. */
  config?: Partial<DemoConfig>;
  /** `main` through `npm run start:prod`, as users run it. */
  viaNpm?: boolean;
  /** The loopback address `main` listens on. */
  host?: string;
  /** A soft open-file limit to raise the process to (ulimit -n) before it starts. */
  fdLimit?: number;
  /** Extra node flags. */
  nodeArgs?: string[];
  /** How long `main` may take to answer (default 20 s; several workers boot slower). */
  startTimeoutMs?: number;
}

export interface DemoProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** The last 100,000 characters of its stdout and stderr. */
  output(): string;
  /** Resolves with how the process ended and when the exit was seen (performance.now()). */
  exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    at: number;
  }>;
  /** Sends `signal` to its process group (npm, sh and node) unless it already exited. */
  kill(signal?: NodeJS.Signals): void;
  /** Resident memory from /proc, readable while the process is busy. */
  rss(): number;
  /** `instrumented` only: full GC, then what it has open and allocated. */
  report(): Promise<DemoReport>;
  /** `instrumented` only: the same without a GC (cheap, for polling). */
  peek(): Promise<DemoReport>;
}

const INSTRUMENTED = fileURLToPath(
  new URL('./demo-process.main.js', import.meta.url),
);
const OUTPUT_KEPT = 100_000;

/**
 * Starts the demo as a process of its own, on a free loopback port, and
 * waits until it serves. Through bash, so `fdLimit` can raise its soft
 * file-descriptor limit first; in a process group of its own, so a signal
 * reaches node behind npm and sh.
 */
export async function startDemoProcess(
  options: DemoProcessOptions = {},
): Promise<DemoProcess> {
  const instrumented = options.entry === 'instrumented';
  const host = options.host ?? '127.0.0.1';
  const env: Record<string, string | undefined> = { ...process.env };
  let command: string[];
  if (instrumented) {
    env.DEMO_PROCESS_CONFIG = JSON.stringify(options.config ?? {});
    command = [
      process.execPath,
      '--expose-gc',
      ...(options.nodeArgs ?? []),
      INSTRUMENTED,
    ];
  } else {
    Object.assign(env, {
      DEMO_LOG: '',
      PORT: String(await freePort(host)),
      HOST: host,
    });
    command = options.viaNpm
      ? ['npm', 'run', '--silent', 'start:prod']
      : [process.execPath, ...(options.nodeArgs ?? []), 'dist/demo/main.js'];
  }
  Object.assign(env, options.env);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const ulimit = options.fdLimit
    ? `ulimit -n ${options.fdLimit} 2>/dev/null || ulimit -n hard; `
    : '';
  const stdio: StdioOptions = instrumented
    ? ['ignore', 'pipe', 'pipe', 'ipc']
    : ['ignore', 'pipe', 'pipe'];
  const child: ChildProcess = spawn(
    'bash',
    ['-c', `${ulimit}exec ${command.map(quote).join(' ')}`],
    {
      cwd: ROOT,
      env,
      detached: true,
      stdio,
    },
  );
  let output = '';
  const keep = (c: Buffer) => (output = (output + c).slice(-OUTPUT_KEPT));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let ended = false;
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    at: number;
  }>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = true;
      resolve({ code, signal, at: performance.now() });
    }),
  );
  const kill = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (ended || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const ipc = instrumented ? reportsOver(child, () => ended) : undefined;
  const notInstrumented = () =>
    Promise.reject(new Error("report() and peek() need entry: 'instrumented'"));
  let url: string;
  try {
    url = ipc
      ? await ipc.ready(exited, () => output)
      : await answering(
          `http://${host}:${env.PORT}`,
          () => ended,
          () => output,
          options.startTimeoutMs,
        );
  } catch (err) {
    kill('SIGKILL');
    throw err;
  }
  return {
    child,
    pid: child.pid!,
    url,
    output: () => output,
    exited,
    kill,
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
    },
    report: ipc ? () => ipc.ask('report') : notInstrumented,
    peek: ipc ? () => ipc.ask('peek') : notInstrumented,
  };
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

/** Waits until the demo at `url` answers `GET /api/clients`. */
async function answering(
  url: string,
  hasEnded: () => boolean,
  output: () => string,
  timeoutMs = 20_000,
): Promise<string> {
  await waitFor(
    async () => {
      if (hasEnded()) throw new Error(`The demo exited early:\n${output()}`);
      return http('GET', `${url}/api/clients`).then(
        (r) => r.status === 200,
        () => false,
      );
    },
    timeoutMs,
    `the demo to answer on ${url}`,
  );
  return url;
}

/**
 * The IPC side of an instrumented demo: it announces its URL once listening
 * (no request of ours may touch it before the specs measure it), then
 * answers report/peek requests.
 */
function reportsOver(child: ChildProcess, hasEnded: () => boolean) {
  const pending = new Map<number, (report: DemoReport) => void>();
  let nextId = 0;
  child.on('message', (m: { id?: number; report?: DemoReport }) => {
    if (m.id !== undefined && m.report) {
      pending.get(m.id)?.(m.report);
      pending.delete(m.id);
    }
  });
  return {
    ask: (type: 'report' | 'peek') =>
      new Promise<DemoReport>((resolve, reject) => {
        if (hasEnded()) return reject(new Error('the demo process has exited'));
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`no ${type} from the demo process within 30 s`));
        }, 30_000);
        pending.set(id, (report) => {
          clearTimeout(timer);
          resolve(report);
        });
        child.send({ id, type });
      }),
    ready: (exited: Promise<unknown>, output: () => string) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`the demo process did not start:\n${output()}`)),
          30_000,
        );
        child.on('message', (m: { ready?: string }) => {
          if (m.ready) {
            clearTimeout(timer);
            resolve(m.ready);
          }
        });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`the demo process exited early:\n${output()}`));
        });
      }),
  };
}

/** The soft limit on open files of this process (from /proc). */
export function openFileLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
  return soft === undefined || soft === 'unlimited'
    ? Number.POSITIVE_INFINITY
    : Number(soft);
}
