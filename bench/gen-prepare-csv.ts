// Seeded generator of the data-preparation file (issue 3's browser figure and the preview e2e):
// `rows` x 12 columns a recipe has work to do on: an ID (suggested as ignored), numbers with
// missing values (median imputation, scaling), integers, a categorical feature with gaps (most
// frequent + one-hot), a second small categorical, a date (date parts) and a categorical target
// with 4 skewed classes, a few of them missing (rows dropped). Same rows + seed = same bytes.
//
//   node --import tsx bench/gen-prepare-csv.ts [rows=1000000] [seed=7] [out=bench/results/prepare-<rows>.csv]
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createRng } from '../src/core/rng';

export const PREPARE_HEADER = [
  'id',
  'amount',
  'score',
  'ratio',
  'temp',
  'items',
  'age',
  'visits',
  'region',
  'channel',
  'day',
  'label',
] as const;
export const PREPARE_COLUMNS = PREPARE_HEADER.length;
export const PREPARE_TARGET = 'label';

const REGIONS = ['north', 'south', 'east', 'west', 'central', 'islands'];
const CHANNELS = ['web', 'store', 'phone'];
// Skewed classes, as a real target: 55% / 25% / 15% / 5%.
const LABELS = ['bronze', 'silver', 'gold', 'platinum'];
const LABEL_CUTS = [0.55, 0.8, 0.95];
const DAY0 = Date.UTC(2015, 0, 1);
const DAYS = 3653; // 2015-01-01 .. 2024-12-31

/** The file as one string (header + `rows` rows, LF line endings, trailing newline). */
export function generatePrepareCsv(rows: number, seed: number): string {
  const rnd = createRng(seed);
  const miss = (p: number) => rnd() < p;
  const lines: string[] = [PREPARE_HEADER.join(',')];
  for (let r = 0; r < rows; r++) {
    const u = rnd();
    const cls = u < LABEL_CUTS[0] ? 0 : u < LABEL_CUTS[1] ? 1 : u < LABEL_CUTS[2] ? 2 : 3;
    // The features lean on the class, so the prepared data has something to learn.
    const amount = miss(0.05) ? '' : (Math.exp(3 + cls * 0.4 + rnd() * 2) + rnd()).toFixed(2);
    const score = miss(0.02) ? '' : (cls * 10 + (rnd() + rnd() + rnd()) * 20 - 30).toFixed(3);
    const ratio = rnd().toFixed(4);
    const temp = miss(0.1) ? '' : (rnd() * 40 - 5).toFixed(1);
    const items = String(Math.floor(rnd() * 500));
    const age = miss(0.03) ? '' : String(18 + Math.floor(rnd() * 70));
    const visits = String(Math.floor(rnd() * rnd() * 20) + cls);
    const region = miss(0.04) ? '' : REGIONS[Math.floor(rnd() * REGIONS.length)];
    const channel = CHANNELS[Math.floor(rnd() * CHANNELS.length)];
    const day = new Date(DAY0 + Math.floor(rnd() * DAYS) * 86_400_000).toISOString().slice(0, 10);
    const label = miss(0.002) ? '' : LABELS[cls];
    lines.push(
      `${r + 1},${amount},${score},${ratio},${temp},${items},${age},${visits},${region},${channel},${day},${label}`,
    );
  }
  return lines.join('\n') + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? 7);
  const out = process.argv[4] ?? `bench/results/prepare-${rows}.csv`;
  const text = generatePrepareCsv(rows, seed);
  writeFileSync(out, text);
  console.log(
    `wrote ${out}: ${rows} rows x ${PREPARE_COLUMNS} columns, ${(Buffer.byteLength(text) / 1048576).toFixed(1)} MB`,
  );
}
