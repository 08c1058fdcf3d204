import fc from 'fast-check';

/** Strings that have broken SSE servers, JSON handling or prototype chains. */
export const NASTY_STRINGS = [
  '',
  ' ',
  ' leading space',
  'message',
  'connected',
  'history-gap',
  'error',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'a\nb',
  'x\r\nevent: injected',
  'x\n\ndata: injected\n\n',
  'x\rid: 666',
  'data: y',
  ':comment',
  'retry: 1',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'a\udfffb',
  '\ufeffbom',
  '\u2028\u2029',
  'a,b',
  'private:secret',
  '💥'.repeat(40),
  'x'.repeat(65),
];

/** Any UTF-16 text: full Unicode, lone surrogates, controls, the strings above. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string(), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 2 },
  {
    arbitrary: fc.string({
      unit: fc
        .integer({ min: 0, max: 0xffff })
        .map((c) => String.fromCharCode(c)),
    }),
    weight: 2,
  },
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 3 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/), weight: 3 },
  {
    arbitrary: fc
      .tuple(fc.string(), fc.constantFrom(...NASTY_STRINGS), fc.string())
      .map((parts) => parts.join('')),
    weight: 2,
  },
);

/** A fragment of JSON text, for what `JSON.stringify` cannot build. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Nesting deep enough to overflow recursive code, written as JSON text. */
export const deepJson: fc.Arbitrary<RawJson> = fc
  .tuple(fc.integer({ min: 50, max: 8000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? new RawJson('['.repeat(depth) + '1' + ']'.repeat(depth))
      : new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  );

/** Objects with prototype-pollution keys, written as JSON text. */
export const pollutingJson: fc.Arbitrary<RawJson> = fc.constantFrom(
  new RawJson('{"__proto__":{"polluted":"yes"}}'),
  new RawJson('{"a":1,"__proto__":{"polluted":"yes"}}'),
  new RawJson('{"constructor":{"prototype":{"polluted":"yes"}}}'),
  new RawJson('{"prototype":{"polluted":"yes"}}'),
  new RawJson('[{"x":{"__proto__":{"isAdmin":true}}}]'),
  new RawJson('{"constructor":"x"}'),
);

/** Writes a value as JSON text, keeping `RawJson` fragments as they are. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
