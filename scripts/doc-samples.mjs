#!/usr/bin/env node
// The code samples of the docs are files under docs/examples/, which the build
// type-checks (tsconfig.json includes them). Each TypeScript or JavaScript
// fence of a doc must say which file (or `#region` of it) it shows, on the
// line above it, and show it verbatim:
//
//   <!-- sample: docs/examples/quick-start.ts -->
//   <!-- sample: docs/examples/module-async.ts#factory -->   (// #region factory … // #endregion factory)
//
//   node scripts/doc-samples.mjs            checks every doc; exit 1 on any difference
//   node scripts/doc-samples.mjs --write    rewrites the fences from the files
//   node scripts/doc-samples.mjs --root D   works on another copy of the repository
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const write = args.includes('--write');
const rootArg = args.indexOf('--root');
const root =
  rootArg >= 0 ? args[rootArg + 1] : new URL('..', import.meta.url).pathname;

const CODE = new Set(['ts', 'typescript', 'js', 'javascript', 'tsx', 'jsx']);
const MARKER = /^<!-- sample: (docs\/examples\/[\w./-]+?)(?:#([\w-]+))? -->$/;

function docs() {
  const found = [
    'README.md',
    'CONTRIBUTING.md',
    'CHANGELOG.md',
    'bench/README.md',
  ]
    .map((file) => join(root, file))
    .filter(existsSync);
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.push(path);
    }
  };
  walk(join(root, 'docs'));
  return found;
}

/** The sample text: the whole file, or one region of it, dedented. */
function sample(file, region) {
  const text = readFileSync(join(root, file), 'utf8');
  if (!region) return text.replace(/\n$/, '');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${region}`);
  const end = lines.findIndex((l) => l.trim() === `// #endregion ${region}`);
  if (start < 0 || end < start)
    throw new Error(`${file} has no region "${region}"`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((l) => l.trim()).map((l) => /^ */.exec(l)[0].length),
  );
  return body.map((l) => l.slice(indent)).join('\n');
}

const problems = [];
let fences = 0;
for (const doc of docs()) {
  const name = relative(root, doc);
  const lines = readFileSync(doc, 'utf8').split('\n');
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const close = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (close < 0) break;
    if (CODE.has(open[1])) {
      fences++;
      let above = i - 1;
      while (above >= 0 && lines[above].trim() === '') above--;
      const marker = MARKER.exec(lines[above]?.trim() ?? '');
      if (!marker) {
        problems.push(
          `${name}:${i + 1}: a ${open[1]} sample without "<!-- sample: docs/examples/<file> -->" above it`,
        );
      } else if (!existsSync(join(root, marker[1]))) {
        problems.push(`${name}:${above + 1}: ${marker[1]} does not exist`);
      } else {
        let expected;
        try {
          expected = sample(marker[1], marker[2]);
        } catch (error) {
          problems.push(`${name}:${above + 1}: ${error.message}`);
        }
        const shown = lines.slice(i + 1, close).join('\n');
        if (expected !== undefined && shown !== expected) {
          if (write) {
            lines.splice(i + 1, close - i - 1, ...expected.split('\n'));
            changed = true;
            i += expected.split('\n').length + 1;
            continue;
          }
          problems.push(
            `${name}:${i + 1}: differs from ${marker[1]}${marker[2] ? `#${marker[2]}` : ''} (node scripts/doc-samples.mjs --write)`,
          );
        }
      }
    }
    i = close;
  }
  if (changed) {
    writeFileSync(doc, lines.join('\n'));
    console.log(`updated ${name}`);
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(
  `${fences} code samples, each equal to its file under docs/examples/`,
);
