// The figures the Prepare tab shows for a step ("mean 16.44 → 0") come from StepPreview.stats,
// computed over every row in src/core/recipe/preview.ts. Checked on the real seattle-weather file
// against pandas (numbers below: pandas 1.5.3, `df = pd.read_csv('seattle-weather.csv')`).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesSource, ingest } from '../../../core/ingest/index';
import { profileTable } from '../../../core/data/profile';
import { frameFromTable } from '../../../core/data/frame';
import { autoRecipe, previewAll, recipeInput } from '../../../core/recipe';

const FILE = resolve(__dirname, '../../../../node_modules/vega-datasets/data/seattle-weather.csv');

async function seattle() {
  const r = await ingest(
    bytesSource('seattle-weather.csv', new Uint8Array(readFileSync(FILE))),
    {},
  );
  return { ...r, profile: profileTable(r.table, r.schema, r.report) };
}

describe('step preview figures on seattle-weather', () => {
  it('standard scaling: temp_max mean 16.44 and std 7.35 before, mean 0 and std 1.0003 after', async () => {
    const data = await seattle();
    const recipe = autoRecipe(data.schema, data.profile, 'weather');
    const previews = previewAll(
      recipeInput(frameFromTable(data.table, data.schema), recipe),
      recipe.steps,
    );
    const scale = previews.find((p) => p.kind === 'scale.standard');
    const temp = scale?.stats?.find((s) => s.column === 'temp_max');
    // pandas: df.temp_max.mean(), .std(), .min(), .max()
    expect(temp?.before?.mean).toBeCloseTo(16.43908281998631, 10);
    expect(temp?.before?.std).toBeCloseTo(7.349758097360185, 10);
    expect(temp?.before?.min).toBe(-1.6);
    expect(temp?.before?.max).toBe(35.6);
    expect(temp?.before?.count).toBe(1461);
    // pandas: z = (t - t.mean()) / t.std(ddof=0) (StandardScaler); z.mean() -2.9e-17, z.std() ...
    expect(Math.abs(temp?.after?.mean ?? 1)).toBeLessThan(1e-12);
    expect(temp?.after?.std).toBeCloseTo(1.000342407132103, 10);
    expect(temp?.after?.min).toBeCloseTo(-2.4552181570549627, 10);
    expect(temp?.after?.max).toBeCloseTo(2.60790596925879, 10);
    // The target is never a feature: no step touches it but the missing-target filter.
    for (const p of previews.filter((p) => p.kind !== 'rows.drop-missing-target')) {
      expect(p.touched).not.toContain('weather');
      expect(p.columns.added.some((c) => c.startsWith('weather'))).toBe(false);
    }
  });

  it('a filter keeps the figures of columns it did not change, and non-numbers have none', async () => {
    const data = await seattle();
    const frame = frameFromTable(data.table, data.schema);
    const [clip, dup] = previewAll(frame, [
      { kind: 'outliers.iqr', params: { columns: ['wind'], factor: 1.5, action: 'clip' } },
      { kind: 'rows.drop-duplicates', params: { columns: ['weather', 'wind'] } },
    ]);
    const wind = clip.stats?.find((s) => s.column === 'wind');
    // pandas: q1, q3 = w.quantile(.25), w.quantile(.75) -> 2.2, 4.0; fences -0.5 and 6.7; max 9.5
    expect(wind?.before?.max).toBe(9.5);
    expect(wind?.after?.max).toBeCloseTo(6.7, 12);
    expect(wind?.after?.min).toBe(wind?.before?.min);
    expect(dup.stats?.map((s) => s.column)).toEqual(['wind']);
    expect(dup.rows.after).toBeLessThan(dup.rows.before);
  });
});
