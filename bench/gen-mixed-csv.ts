// Seeded generator of the ingest benchmark file: `rows` x 25 columns cycling number, number,
// integer, category, quoted string (with commas and doubled quotes), ~1% missing values. 200k rows
// come to about 50 MB. Same rows + seed = same bytes, so figures from different runs compare.
//
//   node --import tsx bench/gen-mixed-csv.ts [rows=200000] [seed=42] [out=bench/results/mixed-<rows>.csv]
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createRng } from '../src/core/rng';

const CATEGORIES = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
  'kilo',
  'lima',
];
const LAST = [
  'Smith',
  'Lee',
  'Garcia',
  'Müller',
  'Nguyen',
  'Okafor',
  'Rossi',
  'Kim',
  'Dubois',
  'Silva',
];
const FIRST = ['Ann', 'Bo', 'Chen', 'Dara', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jo'];
const KINDS = ['number', 'number', 'integer', 'category', 'string'] as const;
export const MIXED_COLUMNS = 25;
const MISSING = 0.01;

/** The benchmark CSV as one string (header + `rows` rows, LF line endings, trailing newline). */
export function generateMixedCsv(rows: number, seed: number): string {
  const rnd = createRng(seed);
  const header: string[] = [];
  for (let c = 0; c < MIXED_COLUMNS; c++) header.push(`${KINDS[c % KINDS.length]}_${c + 1}`);
  const lines: string[] = [header.join(',')];
  const fields = new Array<string>(MIXED_COLUMNS);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < MIXED_COLUMNS; c++) {
      if (rnd() < MISSING) {
        fields[c] = '';
        continue;
      }
      switch (KINDS[c % KINDS.length]) {
        case 'number':
          // Two magnitudes: small signed values and larger positive amounts.
          fields[c] = c % 5 === 0 ? (rnd() * 2000 - 1000).toFixed(3) : (rnd() * 1e5).toFixed(2);
          break;
        case 'integer':
          fields[c] = String(Math.floor(rnd() * 100000));
          break;
        case 'category':
          fields[c] = CATEGORIES[Math.floor(rnd() * CATEGORIES.length)];
          break;
        default: {
          const last = LAST[Math.floor(rnd() * LAST.length)];
          const first = FIRST[Math.floor(rnd() * FIRST.length)];
          const n = Math.floor(rnd() * 1000);
          // A comma and a doubled quote in every value: the quoted path of the parser.
          fields[c] = rnd() < 0.5 ? `"${last}, ${first} ""${n}"""` : `"${last}, ${first} #${n}"`;
        }
      }
    }
    lines.push(fields.join(','));
  }
  return lines.join('\n') + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = Number(process.argv[2] ?? 200000);
  const seed = Number(process.argv[3] ?? 42);
  const out = process.argv[4] ?? `bench/results/mixed-${rows}.csv`;
  const text = generateMixedCsv(rows, seed);
  writeFileSync(out, text);
  console.log(
    `wrote ${out}: ${rows} rows x ${MIXED_COLUMNS} columns, ${(Buffer.byteLength(text) / 1048576).toFixed(1)} MB`,
  );
}
