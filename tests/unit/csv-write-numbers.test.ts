// The CSV writer's number text (src/core/data/csv-write.ts writes fractions through JSON.stringify,
// which skips V8's number-to-string cache) is JavaScript's shortest round-trip text, `${x}`, for
// every kind of double: seeded random bit patterns over the whole exponent range, subnormals,
// powers of ten around the switch to exponent notation, and cars.json's real values (vega-datasets).
// Also: `header: false` continues a file, so frames written one after another make one CSV.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvChunks, frameToCsv } from '../../src/core/data/csv-write';
import { makeFrame, numericColumn } from '../../src/core/data/frame';
import { createRng } from '../../src/core/rng';

function doubles(): number[] {
  const rng = createRng(42);
  const out: number[] = [];
  const bits = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 20000; i++) {
    bits.setUint32(0, Math.floor(rng() * 2 ** 32));
    bits.setUint32(4, Math.floor(rng() * 2 ** 32));
    const x = bits.getFloat64(0);
    if (Number.isFinite(x)) out.push(x);
  }
  for (let e = -330; e <= 310; e++) out.push(10 ** e, -(10 ** e) * 1.5, 2 ** (e / 2));
  out.push(5e-324, 2.2250738585072014e-308, 1e21, 1e21 - 65536, 123456789012345680000, 0.1 + 0.2);
  out.push(Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 2 ** 31 + 0.5, -(2 ** 53) - 2);
  const cars = JSON.parse(
    readFileSync('node_modules/vega-datasets/data/cars.json', 'utf8'),
  ) as Record<string, unknown>[];
  for (const car of cars)
    for (const v of Object.values(car)) if (typeof v === 'number') out.push(v / 7, v);
  return out;
}

describe('CSV number text', () => {
  it('is `${x}` for every finite double, and Infinity / -Infinity as JavaScript writes them', () => {
    const xs = [...doubles(), Infinity, -Infinity];
    const csv = frameToCsv(makeFrame([numericColumn('x', 'number', xs)]), { newline: '\n' });
    const lines = csv.split('\n');
    expect(lines[0]).toBe('x');
    expect(lines.length).toBe(xs.length + 2);
    const bad = xs.filter((x, i) => lines[i + 1] !== `${x === 0 ? 0 : x}`);
    expect(bad).toEqual([]);
    // And they read back to the same doubles.
    expect(lines.slice(1, -1).map(Number)).toEqual(xs.map((x) => (x === 0 ? 0 : x)));
  });

  it('header: false continues a file: two frames written in turn = the joined frame', () => {
    const a = makeFrame([
      numericColumn('x', 'number', [0.5, 1 / 3]),
      numericColumn('n', 'integer', [1, 2]),
    ]);
    const b = makeFrame([
      numericColumn('x', 'number', [NaN, 2.75]),
      numericColumn('n', 'integer', [3, -4]),
    ]);
    const both = makeFrame([
      numericColumn('x', 'number', [0.5, 1 / 3, NaN, 2.75]),
      numericColumn('n', 'integer', [1, 2, 3, -4]),
    ]);
    const text = [...csvChunks(a), ...csvChunks(b, { header: false })].join('');
    expect(text).toBe(frameToCsv(both));
    expect(text).toBe('x,n\r\n0.5,1\r\n0.3333333333333333,2\r\n,3\r\n2.75,-4\r\n');
  });
});
