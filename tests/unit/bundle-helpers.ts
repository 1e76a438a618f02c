// Shared by the bundle / compress / inference tests: real datasets read through Benchtop's own
// ingest (vega-datasets' penguins and seattle-weather, scikit-learn's breast_cancer from
// tests/fixtures/cv), auto-prepared as the CLI would, and trained with trainFinal on tfjs wasm.
import { readFileSync } from 'node:fs';
import { frameFromTable, type Frame } from '../../src/core/data/frame';
import { profileTable } from '../../src/core/data/profile';
import { trainFinal, type FinalModel } from '../../src/core/evaluate';
import { bytesSource, ingest } from '../../src/core/ingest';
import type { Tf } from '../../src/core/models';
import { autoRecipe, type Recipe } from '../../src/core/recipe';

export const DATA = {
  penguins: 'tests/fixtures/cv/penguins.csv',
  weather: 'node_modules/vega-datasets/data/seattle-weather.csv',
  breastCancer: 'tests/fixtures/cv/breast_cancer.csv',
  cars: 'tests/fixtures/cv/cars.csv',
} as const;

export async function loadCsv(path: string): Promise<{ frame: Frame; bytes: Uint8Array }> {
  const bytes = new Uint8Array(readFileSync(path));
  const r = await ingest(bytesSource(path.split('/').pop()!, bytes));
  return { frame: frameFromTable(r.table, r.schema), bytes };
}

/** The auto-prepare recipe for `target` (as `benchtop train` without --recipe). */
export async function autoFor(
  path: string,
  target: string,
  options: { seed?: number; model?: Recipe['model'] } = {},
): Promise<{ frame: Frame; recipe: Recipe; bytes: Uint8Array }> {
  const bytes = new Uint8Array(readFileSync(path));
  const r = await ingest(bytesSource(path.split('/').pop()!, bytes));
  const frame = frameFromTable(r.table, r.schema);
  const recipe = {
    ...autoRecipe(r.schema, profileTable(r.table, r.schema, r.report), target, {
      seed: options.seed ?? 0,
    }),
    ...(options.model ? { model: options.model } : {}),
  };
  return { frame, recipe, bytes };
}

export async function trained(
  tf: Tf,
  path: string,
  target: string,
  options: { seed?: number; model?: Recipe['model'] } = {},
): Promise<{ frame: Frame; recipe: Recipe; bytes: Uint8Array; final: FinalModel }> {
  const d = await autoFor(path, target, options);
  const final = await trainFinal(tf, d.frame, d.recipe);
  return { ...d, final };
}
