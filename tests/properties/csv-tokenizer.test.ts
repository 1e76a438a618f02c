// Differential test of the hand-written CSV tokenizer against papaparse (the oracle): every fixture
// and a few hundred seeded random CSVs must split into exactly the same fields, whatever the chunk
// boundaries. This test is what makes a hand-written tokenizer acceptable.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { Tokenizer, fieldValue, QUOTED } from '../../src/core/ingest/csv/tokenize';
import { randomCsv } from '../fixtures/csv/random-csv';

/** Runs the tokenizer over `text` cut into the given pieces; returns rows of field strings. */
function tokenize(
  text: string,
  delimiter: string,
  cuts: number[] = [],
): { rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  const tok: Tokenizer = new Tokenizer(delimiter, (t, nf, line) => {
    const row: string[] = [];
    for (let i = 0; i < nf; i++) row.push(fieldValue(t, tok.starts[i], tok.ends[i], tok.flags[i]));
    rows.push(row);
    lines.push(line);
  });
  let prev = 0;
  for (const cut of [...cuts, text.length]) {
    tok.push(text.slice(prev, cut));
    prev = cut;
  }
  tok.finish();
  return { rows, lines };
}

function chunked(text: string, delimiter: string, size: number): string[][] {
  const cuts: number[] = [];
  for (let i = size; i < text.length; i += size) cuts.push(i);
  return tokenize(text, delimiter, cuts).rows;
}

const isBlank = (row: string[]) => row.length === 1 && row[0] === '';

function papa(text: string, delimiter: string, newline?: '\n' | '\r\n' | '\r'): string[][] {
  const result = Papa.parse<string[]>(text, {
    delimiter,
    newline,
    quoteChar: '"',
    skipEmptyLines: false,
  });
  return result.data.filter((r) => !isBlank(r));
}

describe('tokenizer vs papaparse on seeded random CSVs', () => {
  const SEEDS = 400;
  it(`splits ${SEEDS} random CSVs exactly as papaparse does, in one piece and in chunks`, () => {
    let nonTrivial = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { text, delimiter, newline } = randomCsv(seed);
      const expected = papa(text, delimiter, newline);
      if (expected.length > 1) nonTrivial++;
      const whole = tokenize(text, delimiter).rows.filter((r) => !isBlank(r));
      expect(whole, `seed ${seed}: ${JSON.stringify(text)}`).toEqual(expected);
      for (const size of [1, 2, 3, 7]) {
        expect(
          chunked(text, delimiter, size).filter((r) => !isBlank(r)),
          `seed ${seed} chunk ${size}`,
        ).toEqual(expected);
      }
    }
    // The generator must actually produce tables, or this test proves nothing.
    expect(nonTrivial).toBeGreaterThan(SEEDS / 2);
  });

  it('gives the same rows for a cut at every offset of small inputs', () => {
    for (let seed = 1000; seed < 1060; seed++) {
      const { text, delimiter } = randomCsv(seed);
      const expected = tokenize(text, delimiter);
      for (let cut = 0; cut <= text.length; cut++) {
        expect(tokenize(text, delimiter, [cut]), `seed ${seed} cut ${cut}`).toEqual(expected);
      }
    }
  });
});

describe('tokenizer vs papaparse on the fixtures and real files', () => {
  const dir = join(__dirname, '../fixtures/csv');
  const files = readdirSync(dir)
    .filter((f) => /\.(csv|tsv|txt)$/.test(f))
    .map((f) => join(dir, f));
  const real = [
    'seattle-weather.csv',
    'unemployment.tsv',
    'airports.csv',
    'github.csv',
    'birdstrikes.csv',
  ].map((f) => join(__dirname, '../../node_modules/vega-datasets/data', f));
  const cases = [...files, ...real].map((file) => {
    const bytes = readFileSync(file);
    // Latin-1 fixtures are decoded the way the reader falls back to.
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = new TextDecoder('windows-1252').decode(bytes);
    }
    // papaparse splits on one line-ending style per file (guessed outside quotes).
    const outside = text.replace(/"(?:[^"]|"")*"/g, '');
    const styles = (
      [
        ['\r\n', /\r\n/],
        ['\n', /(?<!\r)\n/],
        ['\r', /\r(?!\n)/],
      ] as const
    ).filter(([, re]) => re.test(outside));
    return { file, text, styles };
  });
  // Files that mix line-ending styles, or have malformed quotes, are outside papaparse's contract
  // (the tokenizer's own tests above and below cover them).
  const comparable = cases.filter((c) => c.styles.length <= 1 && !c.file.includes('malformed'));
  it('leaves out only the fixtures papaparse cannot judge', () => {
    expect(
      cases.filter((c) => !comparable.includes(c)).map((c) => c.file.split('/').pop()),
    ).toEqual(['blank-lines.csv', 'malformed-quotes.csv']);
  });
  for (const { file, text, styles } of comparable) {
    it(`splits ${file.split('/').pop()} as papaparse does`, () => {
      const delimiter =
        file.endsWith('.tsv') || text.split(/\r?\n/)[0].includes('\t') ? '\t' : sniffForTest(text);
      const newline = styles.length === 1 ? styles[0][0] : undefined;
      const expected = papa(text, delimiter, newline);
      expect(expected.length).toBeGreaterThan(0);
      expect(tokenize(text, delimiter).rows.filter((r) => !isBlank(r))).toEqual(expected);
      expect(chunked(text, delimiter, 7).filter((r) => !isBlank(r))).toEqual(expected);
    });
  }
});

function sniffForTest(text: string): string {
  const head = text.split(/\r?\n/)[0];
  for (const d of [';', '|']) if (head.split(d).length > 1) return d;
  return ',';
}

describe('tokenizer details papaparse does not check', () => {
  it('counts physical lines, including line breaks inside quotes', () => {
    const text = 'a,b\r\n1,"x\r\ny"\n\n2,"p\rq"\r3,z';
    const { rows, lines } = tokenize(text, ',');
    expect(rows).toEqual([
      ['a', 'b'],
      ['1', 'x\r\ny'],
      ['2', 'p\rq'],
      ['3', 'z'],
    ]);
    expect(lines).toEqual([1, 2, 5, 7]);
  });

  it('reads text after a closing quote into the same field (as Python csv does) and counts it', () => {
    const rows: string[][] = [];
    const tok: Tokenizer = new Tokenizer(',', (t, nf) => {
      const row: string[] = [];
      for (let i = 0; i < nf; i++)
        row.push(fieldValue(t, tok.starts[i], tok.ends[i], tok.flags[i]));
      rows.push(row);
    });
    tok.push('a,b\n"ab"cd,e\n"x""y"z,"ok"\n');
    tok.finish();
    expect(rows).toEqual([
      ['a', 'b'],
      ['abcd', 'e'],
      ['x"yz', 'ok'],
    ]);
    expect(tok.messyFields).toBe(2);
    expect(tok.firstMessyLine).toBe(2);
  });

  it('flags quoted fields so the reader does not trim them', () => {
    const flags: number[] = [];
    const tok: Tokenizer = new Tokenizer(',', (_t, nf) => {
      for (let i = 0; i < nf; i++) flags.push(tok.flags[i]);
    });
    tok.push(' a ," b "');
    tok.finish();
    expect(flags).toEqual([0, QUOTED]);
  });

  it('names the line of a quote that is never closed', () => {
    const tok = new Tokenizer(',', () => {});
    tok.push('a,b\n1,2\n3,"oops\n4,5\n');
    expect(() => tok.finish()).toThrowError(/Line 3 opens a quoted value that is never closed/);
  });

  it('stops on a runaway quoted value longer than the row limit, naming its line', () => {
    const tok = new Tokenizer(',', () => {}, 1000);
    tok.push('a,b\n1,"never closed');
    let err: unknown;
    try {
      for (let i = 0; i < 200; i++) tok.push('\nxxxxxxxxx');
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toMatch(/Line 2 opens a quoted value that runs on/);
  });

  it('handles many fields in a row (grows its buffers)', () => {
    const text = Array.from({ length: 300 }, (_, i) => `f${i}`).join('|');
    const { rows } = tokenize(`${text}\n${text}`, '|', [10, 500]);
    expect(rows[1]).toHaveLength(300);
    expect(rows[1][299]).toBe('f299');
  });
});
