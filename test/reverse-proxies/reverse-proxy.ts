import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.js';

/** The reverse proxies the deployment page has a snippet for. */
export type ProxyKind = 'nginx' | 'haproxy' | 'caddy';

/** The Debian binary of each proxy. */
const BINARIES: Record<ProxyKind, string> = {
  nginx: '/usr/sbin/nginx',
  haproxy: '/usr/sbin/haproxy',
  caddy: '/usr/bin/caddy',
};

/** The fenced-code language of each proxy's snippet in the deployment page. */
const SNIPPET_LANGUAGES: Record<ProxyKind, string> = {
  nginx: 'nginx',
  haproxy: 'haproxy',
  caddy: 'caddyfile',
};

/** The address the snippets proxy to (replaced by the app's). */
const SNIPPET_UPSTREAM = '127.0.0.1:3000';

/** Where a proxy's binary is, or undefined when it is not installed. */
export function proxyBinary(kind: ProxyKind): string | undefined {
  if (existsSync(BINARIES[kind])) return BINARIES[kind];
  const found = spawnSync('sh', ['-c', `command -v ${kind}`]);
  return found.status === 0 ? found.stdout.toString().trim() : undefined;
}

/** The first fenced block of the proxy's language in a Markdown page. */
export function snippetFrom(markdown: string, kind: ProxyKind): string {
  const fence = new RegExp(
    '^```' + SNIPPET_LANGUAGES[kind] + '\\n([\\s\\S]*?)^```',
    'm',
  );
  const match = fence.exec(markdown);
  if (!match) throw new Error(`No \`\`\`${SNIPPET_LANGUAGES[kind]} block`);
  return match[1];
}

/** The snippet without the lines that contain `text` (and their comments above). */
export function withoutLine(snippet: string, text: string): string {
  const lines = snippet.split('\n');
  const at = lines.findIndex((l) => l.includes(text));
  if (at < 0) throw new Error(`The snippet has no line with "${text}"`);
  let from = at;
  while (from > 0 && /^\s*#/.test(lines[from - 1])) from--;
  return [...lines.slice(0, from), ...lines.slice(at + 1)].join('\n');
}

/** Puts the snippet on `port` in front of `upstreamPort`, in a full config of the proxy's own format. */
function configFor(
  kind: ProxyKind,
  snippet: string,
  dir: string,
  port: number,
  upstreamPort: number,
): string {
  const body = snippet.replaceAll(
    SNIPPET_UPSTREAM,
    `127.0.0.1:${upstreamPort}`,
  );
  switch (kind) {
    case 'nginx':
      // One process (no workers to orphan), everything under `dir`, and a
      // site-wide gzip that would compress event streams: the snippet must
      // hold its own against a setting many real configs have.
      return [
        'daemon off;',
        'master_process off;',
        `pid ${dir}/nginx.pid;`,
        'error_log stderr warn;',
        'events { worker_connections 1024; }',
        'http {',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
          (t) => `  ${t}_temp_path ${dir}/${t};`,
        ),
        '  gzip on;',
        '  gzip_min_length 0;',
        '  gzip_types text/event-stream application/json;',
        body.replace(/listen 8080;/, `listen 127.0.0.1:${port};`),
        '}',
      ].join('\n');
    case 'haproxy':
      return [
        'global',
        '  log stderr format raw local0 warning',
        body.replace(/bind :8080/, `bind 127.0.0.1:${port}`),
      ].join('\n');
    case 'caddy':
      return [
        '{',
        '  admin off',
        '  auto_https off',
        '}',
        body.replace(/^example\.com \{/m, `http://127.0.0.1:${port} {`),
      ].join('\n');
  }
}

/** The command line that runs the proxy in the foreground on `config`. */
function commandFor(kind: ProxyKind, config: string, dir: string): string[] {
  switch (kind) {
    case 'nginx':
      return ['-p', dir, '-c', config];
    case 'haproxy':
      return ['-db', '-f', config];
    case 'caddy':
      return ['run', '--config', config, '--adapter', 'caddyfile'];
  }
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A real nginx, HAProxy or Caddy in the foreground on a free loopback port,
 * configured with a snippet, with its files in a temporary directory of its
 * own; stopped by its PID only.
 */
export class ReverseProxy {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
  }

  /** e.g. http://127.0.0.1:40123 */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts `kind` with `snippet` in front of the app on `upstreamPort`; resolves once it accepts connections. */
  static async start(
    kind: ProxyKind,
    snippet: string,
    upstreamPort: number,
  ): Promise<ReverseProxy> {
    const binary = proxyBinary(kind);
    if (!binary) throw new Error(`${kind} is not installed`);
    const dir = mkdtempSync(join(tmpdir(), `sse-${kind}-`));
    for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      mkdirSync(join(dir, sub));
    }
    const port = await freePort();
    const config = join(dir, `${kind}.conf`);
    writeFileSync(config, configFor(kind, snippet, dir, port, upstreamPort));
    const child = spawn(binary, commandFor(kind, config, dir), {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Caddy keeps its state under $HOME / XDG paths: keep it in `dir`.
      env: {
        ...process.env,
        HOME: dir,
        XDG_DATA_HOME: dir,
        XDG_CONFIG_HOME: dir,
      },
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    const proxy = new ReverseProxy(child, dir, port);
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await proxy.stop();
        throw new Error(
          `${kind} did not start:\n${readFileSync(config, 'utf8')}\n${proxy.output.slice(-2000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return proxy;
  }

  /** Stops it (SIGTERM, then SIGKILL after 3 s) and removes its directory. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      process.kill(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
