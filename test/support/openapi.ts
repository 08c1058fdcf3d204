import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ARTIFACTS, ROOT } from './paths.js';
import type { ReadEvent } from './sse-reader.js';

/** An OpenAPI document, loosely typed for walking. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = any;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Every operation of a document with its path and method. */
export function operations(
  doc: Doc,
): { path: string; method: string; op: Doc }[] {
  return Object.entries(doc.paths as Record<string, Doc>).flatMap(
    ([path, item]) =>
      HTTP_METHODS.filter((m) => item[m]).map((method) => ({
        path,
        method,
        op: item[method],
      })),
  );
}

/**
 * A copy of the document with every local `$ref` replaced by what it points
 * to (swagger-parser's dereference refuses 3.2 documents; ours has no
 * cycles).
 */
export function dereference(doc: Doc): Doc {
  const resolve = (ref: string): Doc =>
    ref
      .slice(2)
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce((node: Doc, key) => {
        if (node?.[key] === undefined) throw new Error(`Dangling $ref ${ref}`);
        return node[key];
      }, doc);
  const walk = (node: Doc): Doc => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
      return walk(resolve(node.$ref));
    }
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, walk(value)]),
    );
  };
  return walk(doc);
}

/**
 * A validator for schemas of a dereferenced document: OpenAPI 3.0 schemas
 * (with `nullable`) or 3.1+/JSON Schema 2020-12 ones. Formats are not
 * checked (no format plugin), `example` and friends are ignored.
 */
export function schemaValidator(version: '3.0' | '2020') {
  const options = { strict: false, allErrors: true, validateFormats: false };
  const ajv = version === '3.0' ? new Ajv(options) : new Ajv2020(options);
  return (schema: Doc, value: unknown): string[] => {
    const validate = ajv.compile(schema);
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

const envelope = (e: ReadEvent, data: unknown) => ({
  event: e.event ?? 'message',
  data,
  ...(e.id ? { id: e.id } : {}),
  ...(e.retry !== undefined ? { retry: e.retry } : {}),
});

/** A received event as the 3.0 `schema` of a stream shows it: `data` decoded when it is JSON. */
function decodedEnvelope(e: ReadEvent) {
  let data: unknown = e.data;
  try {
    data = JSON.parse(e.data);
  } catch {
    // A string payload is sent as it is.
  }
  return envelope(e, data);
}

/** A received event as the 3.2 `itemSchema` models it: every field as sent. */
const rawEnvelope = (e: ReadEvent) => envelope(e, e.data);

const check30 = schemaValidator('3.0');
const check32 = schemaValidator('2020');

/**
 * What is wrong with received events against a stream's documented media
 * (of a dereferenced document): each event against the 3.0 `schema` (data
 * decoded) and, when `media32` is given, the 3.2 `itemSchema` (every field
 * as sent). Empty when every event matches; each line names its event.
 */
export function eventMismatches(
  events: readonly ReadEvent[],
  media: Doc,
  media32?: Doc,
): string[] {
  return events.flatMap((e) => {
    const name = e.event ?? 'message';
    const errors = check30(media.schema, decodedEnvelope(e));
    if (media32) errors.push(...check32(media32.itemSchema, rawEnvelope(e)));
    return errors.map((error) => `${name}: ${error}`);
  });
}

export interface RedoclyProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

const run = promisify(execFile);

/**
 * Lints a document with `@redocly/cli lint` (the repo's redocly.yaml, the
 * recommended rules), offline: no telemetry, no update check.
 */
export async function redoclyLint(
  doc: Doc,
  name: string,
): Promise<{ errors: number; warnings: number; problems: RedoclyProblem[] }> {
  const dir = join(ARTIFACTS, 'openapi');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
  const args = [cli, 'lint', file, '--format=json'];
  args.push('--config', join(ROOT, 'redocly.yaml'));
  const env = {
    ...process.env,
    REDOCLY_TELEMETRY: 'off',
    REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  };
  // Exit code 1 means "problems found": the JSON report says which.
  const output = await run(process.execPath, args, {
    env,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((err: { stdout?: string; code?: unknown }) => {
    if (typeof err.stdout === 'string' && err.stdout.includes('"totals"'))
      return { stdout: err.stdout };
    throw err;
  });
  const report = JSON.parse(output.stdout);
  return { ...report.totals, problems: report.problems };
}
