// What the Prepare tab receives from the data worker for a recipe's previews must not grow with the
// dataset: the main thread structured-clones every byte of it (and a 1M-row preview must not cost a
// long task there). Checked on the seeded mixed file the browser figure uses
// (bench/gen-prepare-csv.ts): auto-prepare's six steps previewed on 20k and on 100k rows.
// Size = v8.serialize, Node's form of the structured clone postMessage makes.
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { generatePrepareCsv, PREPARE_TARGET } from '../../../../bench/gen-prepare-csv';
import { bytesSource, ingest } from '../../../core/ingest/index';
import { profileTable } from '../../../core/data/profile';
import { frameFromTable } from '../../../core/data/frame';
import {
  autoRecipe,
  HISTOGRAM_SAMPLE,
  previewAll,
  recipeInput,
  SAMPLE_ROWS,
  DROPPED_EXAMPLES,
  suggestRoles,
  type StepPreview,
} from '../../../core/recipe';

async function previewsOf(rows: number): Promise<StepPreview[]> {
  const bytes = new TextEncoder().encode(generatePrepareCsv(rows, 7));
  const r = await ingest(bytesSource('prepare.csv', bytes));
  const profile = profileTable(r.table, r.schema, r.report);
  const ignored = suggestRoles(r.schema, profile, PREPARE_TARGET).ignored.map((s) => s.column);
  const recipe = autoRecipe(r.schema, profile, PREPARE_TARGET, { ignored });
  return previewAll(recipeInput(frameFromTable(r.table, r.schema), recipe), recipe.steps);
}

describe('step previews sent to the main thread', () => {
  it('stay a few tens of KB, the same size on 20k and 100k rows', async () => {
    const small = await previewsOf(20_000);
    const large = await previewsOf(100_000);
    expect(large.map((p) => p.kind)).toEqual([
      'rows.drop-missing-target',
      'date.parts',
      'impute.median',
      'impute.most-frequent',
      'encode.onehot',
      'scale.standard',
    ]);
    const bytesSmall = serialize(small).byteLength;
    const bytesLarge = serialize(large).byteLength;
    // About 39,700 bytes on 2k, 20k, 100k and 300k rows when written (counts, bins, 10 rows).
    expect(bytesLarge).toBeLessThan(64 * 1024);
    expect(Math.abs(bytesLarge - bytesSmall) / bytesSmall).toBeLessThan(0.05);
  });

  it('carry 10 sample rows, sampled histograms and exact counts', async () => {
    const previews = await previewsOf(100_000);
    const median = previews.find((p) => p.kind === 'impute.median');
    expect(median).toBeDefined();
    for (const p of previews) {
      // A filter may add a few of the rows it drops further down, so a person sees what goes.
      expect(p.sample.before.rows.length).toBeLessThanOrEqual(SAMPLE_ROWS + DROPPED_EXAMPLES);
      expect(p.sample.after.rows.length).toBeLessThanOrEqual(SAMPLE_ROWS);
      expect(p.histogramRows).toBeLessThanOrEqual(HISTOGRAM_SAMPLE);
      for (const h of p.histograms) {
        for (const side of [h.before, h.after]) {
          if (!side) continue;
          expect(side.counts.length).toBeLessThanOrEqual(64);
          expect(side.edges.length).toBe(side.counts.length + 1);
        }
      }
    }
    // Counts are exact over every row, whatever the plots sample: the ~5% missing amounts are
    // all counted before median imputation and none are left after it.
    const amount = median!.missing.find((m) => m.column === 'amount');
    expect(amount?.after).toBe(0);
    expect(amount?.before).toBeGreaterThan(4_000);
    expect(amount?.before).toBeLessThan(6_000);
    const hist = median!.histograms.find((h) => h.column === 'amount');
    const plotted = hist?.before?.counts.reduce((s, c) => s + c, 0) ?? 0;
    expect(plotted).toBeLessThanOrEqual(HISTOGRAM_SAMPLE);
    expect(plotted).toBeGreaterThan(HISTOGRAM_SAMPLE * 0.9);
  });
});
