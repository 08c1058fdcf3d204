import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DemoConfig } from '../../../demo/demo-config.js';
import type { BroadcastStats, SseStreamStats } from '../../../src/index.js';

/** What the child reports about itself. */
export interface ChildReport {
  rss: number;
  heapUsed: number;
  /** Whether a full GC ran first (the child has --expose-gc). */
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

export interface ChildDemo {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Full GC, then what the child has open and allocated. */
  report(): Promise<ChildReport>;
  /** The same without a GC (cheap, for polling). */
  peek(): Promise<ChildReport>;
  /** Resident memory from /proc, readable while the child is busy. */
  rss(): number;
  /** Resolves with the exit code/signal and when the exit was seen (performance.now()). */
  exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    at: number;
  }>;
  output(): string;
  /** Kills the child by its pid (SIGKILL by default) unless it already exited. */
  kill(signal?: NodeJS.Signals): void;
}

const ENTRY = fileURLToPath(new URL('./demo-child.main.js', import.meta.url));

/**
 * Starts the demo in a child process on a free loopback port, through bash
 * so that `fdLimit` can raise its soft file-descriptor limit first.
 */
export async function startChildDemo(
  config: Partial<DemoConfig> = {},
  options: { fdLimit?: number; nodeArgs?: string[] } = {},
): Promise<ChildDemo> {
  const nodeArgs = ['--expose-gc', ...(options.nodeArgs ?? [])];
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const ulimit = options.fdLimit
    ? `ulimit -n ${options.fdLimit} 2>/dev/null || ulimit -n hard; `
    : '';
  const command = `${ulimit}exec ${[process.execPath, ...nodeArgs, ENTRY].map(quote).join(' ')}`;
  const child = spawn('bash', ['-c', command], {
    env: {
      ...process.env,
      RELIABILITY_DEMO_CONFIG: JSON.stringify(config),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on(
    'data',
    (c: Buffer) => (output = (output + c).slice(-20_000)),
  );
  child.stderr!.on(
    'data',
    (c: Buffer) => (output = (output + c).slice(-20_000)),
  );
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
  const pending = new Map<number, (report: ChildReport) => void>();
  let nextId = 0;
  child.on('message', (m: { id?: number; report?: ChildReport }) => {
    if (m.id !== undefined && m.report) {
      pending.get(m.id)?.(m.report);
      pending.delete(m.id);
    }
  });
  const ask = (type: string) =>
    new Promise<ChildReport>((resolve, reject) => {
      if (ended) return reject(new Error('the child demo has exited'));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`no ${type} from the child demo within 30 s`));
      }, 30_000);
      pending.set(id, (report) => {
        clearTimeout(timer);
        resolve(report);
      });
      child.send({ id, type });
    });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the child demo did not start:\n${output}`)),
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
      reject(new Error(`the child demo exited early:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    child,
    report: () => ask('report'),
    peek: () => ask('peek'),
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
    },
    exited,
    output: () => output,
    kill: (signal = 'SIGKILL') => {
      if (!ended) child.kill(signal);
    },
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
