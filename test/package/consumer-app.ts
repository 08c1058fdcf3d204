import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../support/paths.js';

/**
 * npm's cache for the consumer apps' installs. Every package they install is
 * also a dev dependency of this repository, so after `npm ci` they come
 * from the cache (`--prefer-offline`) without asking the registry.
 */
const NPM_FLAGS = [
  '--prefer-offline',
  '--ignore-scripts',
  '--no-audit',
  '--no-fund',
  '--loglevel=error',
];

export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 240_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd} (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** `npm pack` of this repository (its prepack builds lib/ clean); returns the tarball's path. */
export function packLibrary(destination: string): string {
  const [packed] = JSON.parse(
    run('npm', ['pack', '--json', '--pack-destination', destination], ROOT),
  ) as { filename: string }[];
  return join(destination, packed.filename);
}

/** The version of a package installed in this repository (the one the suite runs on). */
export function installedVersion(name: string): string {
  const require = createRequire(join(ROOT, 'package.json'));
  return (require(`${name}/package.json`) as { version: string }).version;
}

/**
 * Generates an app with the Nest CLI of this repository, as a user would
 * (`nest new`, without installing), into `dir`.
 */
export function generateApp(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const nest = createRequire(join(ROOT, 'package.json')).resolve(
    '@nestjs/cli/bin/nest.js',
  );
  run(
    process.execPath,
    [
      nest,
      'new',
      'app',
      '--skip-install',
      '--skip-git',
      '--skip-tests',
      '--package-manager',
      'npm',
      '--language',
      'ts',
      '--no-observe',
    ],
    dir,
  );
}

export type ModuleKind = 'esm' | 'commonjs';

interface Manifest {
  type?: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/**
 * Prepares the generated app for this run: the Nest packages at the versions
 * the suite runs on (Nest 11 or 12), and only the dev dependencies its build
 * needs (TypeScript and its types: the app's test runner and linters are not
 * run here, so neither they nor the `vitest/globals` entry of its `types`
 * are kept).
 */
export function pinDependencies(appDir: string): void {
  const manifestPath = join(appDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const nest = installedVersion('@nestjs/core');
  for (const name of Object.keys(manifest.dependencies)) {
    if (name.startsWith('@nestjs/')) manifest.dependencies[name] = nest;
  }
  manifest.devDependencies = Object.fromEntries(
    ['typescript', '@types/node', '@types/express']
      .filter((name) => name in manifest.devDependencies)
      .map((name) => [name, installedVersion(name)]),
  );
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

  const tsconfigPath = join(appDir, 'tsconfig.json');
  const tsconfig = JSON.parse(readFileSync(tsconfigPath, 'utf8')) as {
    compilerOptions: { types?: string[] };
  };
  tsconfig.compilerOptions.types = tsconfig.compilerOptions.types?.filter(
    (name) => !name.startsWith('vitest'),
  );
  writeFileSync(tsconfigPath, `${JSON.stringify(tsconfig, null, 2)}\n`);
}

export function npmInstall(appDir: string, packages: string[] = []): void {
  run('npm', ['install', ...NPM_FLAGS, ...packages], appDir);
}

/** Packages an app has at run time (`npm ls --omit=dev --all`), as name@version. */
export function runtimePackages(appDir: string): Set<string> {
  const lines = run(
    'npm',
    ['ls', '--omit=dev', '--all', '--parseable', '--long'],
    appDir,
  )
    .split('\n')
    .filter(Boolean)
    .slice(1); // the app itself
  return new Set(lines.map((line) => line.split(':')[1]));
}

/**
 * Turns the generated app (ESM, as `nest new` writes it since Nest 12) into
 * the CommonJS app that earlier `nest new` wrote: no `"type": "module"`, and
 * no top-level await in main.ts.
 */
export function makeCommonJs(appDir: string): void {
  const manifestPath = join(appDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  delete manifest.type;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

export function copyApp(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/**
 * The app's code: a feed and a publish route. The ES module app starts on
 * `SseExpressAdapter` (the `./express` entry and its optional peer), the
 * CommonJS one on Nest's default adapter.
 */
export function writeAppSources(appDir: string, kind: ModuleKind): void {
  const src = join(appDir, 'src');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src);
  writeFileSync(
    join(src, 'app.controller.ts'),
    `import { Body, Controller, Post, Query } from '@nestjs/common';
import { BroadcastService, LastEventId, SseRoute } from 'nestjs-sse-broadcast';

@Controller()
export class AppController {
  constructor(private readonly broadcast: BroadcastService) {}

  @SseRoute('feed')
  feed(
    @Query('channel') channel?: string,
    @LastEventId() lastEventId?: string,
  ) {
    return this.broadcast.stream({
      channels: channel ? [channel] : [],
      lastEventId,
    });
  }

  @Post('notify')
  async notify(@Body() body: { text: string }) {
    const id = await this.broadcast.publish({
      event: 'notice',
      data: body,
      channel: 'news',
    });
    return { id };
  }
}
`,
  );
  writeFileSync(
    join(src, 'app.module.ts'),
    `import { Module } from '@nestjs/common';
import { SseModule } from 'nestjs-sse-broadcast';
import { AppController } from './app.controller.js';

@Module({
  imports: [SseModule.forRoot({ keepAliveSeconds: 15 })],
  controllers: [AppController],
})
export class AppModule {}
`,
  );
  // What an app's unit test does with the testing entry: the controller in a
  // module without SseModule, BroadcastService replaced by the recording
  // double (Nest's own context, as @nestjs/testing is not installed here).
  writeFileSync(
    join(src, 'recording-check.ts'),
    `import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BroadcastService } from 'nestjs-sse-broadcast';
import { RecordingBroadcastService } from 'nestjs-sse-broadcast/testing';
import { AppController } from './app.controller.js';

@Module({
  controllers: [AppController],
  providers: [{ provide: BroadcastService, useClass: RecordingBroadcastService }],
})
class CheckModule {}

async function check() {
  const context = await NestFactory.createApplicationContext(CheckModule, {
    logger: false,
  });
  const { id } = await context.get(AppController).notify({ text: 'recorded' });
  const broadcast = context.get<BroadcastService, RecordingBroadcastService>(
    BroadcastService,
  );
  console.log(JSON.stringify({ id, published: broadcast.published }));
  await context.close();
}
void check();
`,
  );
  const adapter =
    kind === 'esm'
      ? {
          imports: `import { SseExpressAdapter } from 'nestjs-sse-broadcast/express';\n`,
          create: 'NestFactory.create(AppModule, new SseExpressAdapter())',
        }
      : { imports: '', create: 'NestFactory.create(AppModule)' };
  writeFileSync(
    join(src, 'main.ts'),
    `import { NestFactory } from '@nestjs/core';
${adapter.imports}import { AppModule } from './app.module.js';

async function bootstrap() {
  const app = await ${adapter.create};
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  console.log(\`listening on \${await app.getUrl()}\`);
}
${kind === 'esm' ? 'await bootstrap();' : 'void bootstrap();'}
`,
  );
}

/** Builds the app with its own TypeScript and tsconfig.build.json, as `nest build` does. */
export function buildApp(appDir: string): void {
  run(
    process.execPath,
    [
      join(appDir, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
    ],
    appDir,
  );
}

/** Starts the built app on a free port; resolves with its URL once it listens. */
export function startApp(
  appDir: string,
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: appDir,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The app did not start within 20 s:\n${output}`));
    }, 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1].replace('[::1]', '127.0.0.1'),
          child,
          output: () => output,
        });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`The app exited (${code}) before listening:\n${output}`),
      );
    });
  });
}

/**
 * Stops the app with SIGTERM and waits for it to exit. With shutdown hooks,
 * Nest closes the app, then raises the signal again: a clean stop ends by
 * SIGTERM (or code 0), within 10 s, else it is killed and reported.
 */
export function stopApp(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    child.kill('SIGTERM');
  });
}
