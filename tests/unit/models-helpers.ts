// Shared by the models tests: tfjs on the wasm backend in Node (src/core/models/node-tf.ts) and
// small real datasets from vega-datasets as standard-scaled float32 matrices.
import { readFileSync } from 'node:fs';
import type { TrainingData } from '../../src/core/models';

const DATA = 'node_modules/vega-datasets/data/';

/** Population-std standard scaling (as scikit-learn's StandardScaler), column by column. */
export function standardize(rows: number[][]): Float32Array {
  const n = rows.length;
  const d = rows[0].length;
  const out = new Float32Array(n * d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (const r of rows) mean += r[j];
    mean /= n;
    let v = 0;
    for (const r of rows) v += (r[j] - mean) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    rows.forEach((r, i) => (out[i * d + j] = (r[j] - mean) / sd));
  }
  return out;
}

const PENGUIN_FEATURES = [
  'Beak Length (mm)',
  'Beak Depth (mm)',
  'Flipper Length (mm)',
  'Body Mass (g)',
] as const;

type Penguin = Record<string, string | number | null>;

function penguins(): Penguin[] {
  const all = JSON.parse(readFileSync(DATA + 'penguins.json', 'utf8')) as Penguin[];
  return all.filter((p) => PENGUIN_FEATURES.every((f) => typeof p[f] === 'number'));
}

/** penguins.json: Species (3 classes) from the four measurements (rows with all four present). */
export function penguinSpecies(): TrainingData {
  const rows = penguins();
  const species = [...new Set(rows.map((p) => String(p.Species)))].sort();
  return {
    X: standardize(rows.map((p) => PENGUIN_FEATURES.map((f) => p[f] as number))),
    rows: rows.length,
    cols: PENGUIN_FEATURES.length,
    y: Int32Array.from(rows, (p) => species.indexOf(String(p.Species))),
    classes: species.length,
    classNames: species,
    featureNames: [...PENGUIN_FEATURES],
    targetName: 'Species',
  };
}

/** penguins.json: is it a Gentoo? (binary, 123 of 342 rows positive). */
export function penguinGentoo(): TrainingData {
  const d = penguinSpecies();
  const gentoo = d.classNames!.indexOf('Gentoo');
  return {
    ...d,
    y: Int32Array.from(d.y, (c) => (c === gentoo ? 1 : 0)),
    classes: 2,
    classNames: ['other', 'Gentoo'],
    targetName: 'Gentoo',
  };
}

const CAR_FEATURES = [
  'Cylinders',
  'Displacement',
  'Horsepower',
  'Weight_in_lbs',
  'Acceleration',
] as const;

type Car = Record<string, string | number | null>;

/** cars.json: Miles_per_Gallon from five numeric columns. `keepMissing` keeps NaN features. */
export function carsMpg(keepMissing = false): TrainingData {
  const all = JSON.parse(readFileSync(DATA + 'cars.json', 'utf8')) as Car[];
  const rows = all.filter(
    (c) =>
      typeof c.Miles_per_Gallon === 'number' &&
      (keepMissing || CAR_FEATURES.every((f) => typeof c[f] === 'number')),
  );
  const values = rows.map((c) =>
    CAR_FEATURES.map((f) => (typeof c[f] === 'number' ? (c[f] as number) : NaN)),
  );
  const X = keepMissing ? Float32Array.from(values.flat()) : standardize(values);
  return {
    X,
    rows: rows.length,
    cols: CAR_FEATURES.length,
    y: Float64Array.from(rows, (c) => c.Miles_per_Gallon as number),
    featureNames: [...CAR_FEATURES],
    targetName: 'Miles_per_Gallon',
  };
}

/** argmax per row of a rows × k probability matrix. */
export function argmax(p: Float64Array, k: number): Int32Array {
  const out = new Int32Array(p.length / k);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

export function accuracy(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  let hit = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === pred[i]) hit++;
  return hit / y.length;
}

export function r2(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  let ss = 0;
  let st = 0;
  for (let i = 0; i < y.length; i++) {
    ss += (y[i] - pred[i]) ** 2;
    st += (y[i] - mean) ** 2;
  }
  return 1 - ss / st;
}
