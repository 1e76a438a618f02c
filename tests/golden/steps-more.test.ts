// Golden test for the later preparation steps against scikit-learn, SciPy and pandas on real data
// (vega-datasets seattle-weather.csv, penguins.json and cars.json; the last two have missing values).
// Source of every expected number: tests/fixtures/golden/sklearn-steps2.json, written by
// tests/fixtures/golden/sklearn_steps2.py with scikit-learn 1.2.1, SciPy 1.10.1, pandas 1.5.3 and
// NumPy 1.24.2 (Debian); the estimator or call is named next to each assertion. Frames are built
// here straight from the files (papaparse / JSON.parse), so this tests the steps, not Benchtop's
// type inference.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  frameRow,
  makeFrame,
  numericColumn,
  stringColumn,
  takeRows,
  type Frame,
  type FrameColumn,
} from '../../src/core/data/frame';
import { brentMinimize } from '../../src/core/steps/brent';
import { isolationScores } from '../../src/core/steps/outliers-isolation-forest';
import { firstOfEachDuplicate } from '../../src/core/steps/rows-drop-duplicates';
import { fitSteps, type FittedStep, type StepSpec } from '../../src/core/steps';

type Num = number | null;

interface PowerCase {
  lambdas_: number[];
  mean_?: number[];
  scale_?: number[];
  transform: Num[][];
}
interface Golden {
  source: string;
  power: Record<string, { columns: string[]; rows: number[]; [estimator: string]: unknown }>;
  outliers: Record<
    string,
    {
      columns: string[];
      iqr: { column: string; factor: number; low: number; high: number; outliers: number }[];
      zscore: { column: string; threshold: number; mean: number; std: number; outliers: number }[];
    }
  >;
  duplicates: Record<string, { columns: string[]; dropped: number; kept_first_40: number[] }[]>;
  date_parts: Record<
    string,
    {
      iso: string[];
      epoch_ms: number[];
      year: number[];
      month: number[];
      day: number[];
      dayofweek: number[];
      dayofyear: number[];
    }
  >;
  brent: { f: string; x: number; fx: number; iterations: number }[];
  isolation_forest: Record<
    string,
    { columns: string[]; flagged: number[][]; scores_seed0: number[] }
  >;
}

const golden = JSON.parse(
  readFileSync('tests/fixtures/golden/sklearn-steps2.json', 'utf8'),
) as Golden;
const DATA = 'node_modules/vega-datasets/data/';

const NUMERIC: Record<string, string[]> = {
  'seattle-weather.csv': ['precipitation', 'temp_max', 'temp_min', 'wind'],
  'penguins.json': ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'],
  'cars.json': [
    'Miles_per_Gallon',
    'Cylinders',
    'Displacement',
    'Horsepower',
    'Weight_in_lbs',
    'Acceleration',
  ],
};
const CATEGORICAL: Record<string, string[]> = {
  'seattle-weather.csv': ['weather'],
  'penguins.json': ['Species', 'Island', 'Sex'],
  'cars.json': ['Name', 'Origin'],
};
const INTEGER_COLUMNS = new Set(['Cylinders', 'Weight_in_lbs', 'Flipper Length (mm)']);

/** The dataset as a frame, every column in the file's order with the kinds pandas gives it. */
function frameOf(file: string): Frame {
  const text = readFileSync(DATA + file, 'utf8');
  const rows: Record<string, unknown>[] = file.endsWith('.json')
    ? (JSON.parse(text) as Record<string, unknown>[])
    : Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
  const columns: FrameColumn[] = [];
  for (const name of Object.keys(rows[0])) {
    const values = rows.map((r) => r[name]);
    if (NUMERIC[file].includes(name)) {
      const nums = values.map((v) =>
        v === null || v === undefined || v === '' ? null : Number(v),
      );
      columns.push(numericColumn(name, INTEGER_COLUMNS.has(name) ? 'integer' : 'number', nums));
    } else if (CATEGORICAL[file].includes(name)) {
      columns.push(
        stringColumn(
          name,
          'categorical',
          values.map((v) => (v === null || v === undefined ? null : String(v))),
        ),
      );
    } else if (name === 'date') {
      columns.push(
        numericColumn(
          name,
          'date',
          values.map((v) => Date.parse(`${String(v)}T00:00:00Z`)),
        ),
      );
    }
  }
  return makeFrame(columns);
}

const FILES = ['seattle-weather.csv', 'penguins.json', 'cars.json'] as const;
const frames = new Map(FILES.map((f) => [f, frameOf(f)]));

function fitOne(frame: Frame, spec: StepSpec): { fitted: FittedStep; out: Frame } {
  const r = fitSteps(frame, [spec], 1);
  return { fitted: r.fitted[0], out: r.frame };
}

function cell(frame: Frame, column: string, row: number): Num {
  const v = frameRow(frame, row)[column];
  return typeof v === 'boolean' ? (v ? 1 : 0) : (v as Num);
}

function relDiff(a: number, b: number, floor = 0): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), floor, Number.MIN_VALUE);
}

/** The present values of a column. */
function presentOf(frame: Frame, name: string): Float64Array {
  const c = frame.columns.find((x) => x.name === name);
  if (!c || !('values' in c)) throw new Error(name);
  return c.values.filter((v) => !Number.isNaN(v));
}

/**
 * scikit-learn's _neg_log_likelihood, written independently of the step (one pass per term, the
 * transform by expm1 for accuracy): n/2 · log(var ψ) - (λ - 1) · Σ sign(x) log1p|x|.
 */
function negLogLikelihood(x: Float64Array, lambda: number): number {
  const psi = Array.from(x, (v) =>
    v >= 0
      ? lambda === 0
        ? Math.log1p(v)
        : Math.expm1(lambda * Math.log1p(v)) / lambda
      : lambda === 2
        ? -Math.log1p(-v)
        : -Math.expm1((2 - lambda) * Math.log1p(-v)) / (2 - lambda),
  );
  const mean = psi.reduce((a, b) => a + b, 0) / psi.length;
  const variance = psi.reduce((a, b) => a + (b - mean) ** 2, 0) / psi.length;
  const jacobian = Array.from(x).reduce((a, v) => a + Math.sign(v) * Math.log1p(Math.abs(v)), 0);
  return (x.length / 2) * Math.log(variance) - (lambda - 1) * jacobian;
}

describe('Brent port = scipy.optimize.brent(f, brack=(-2, 2))', () => {
  const fns: Record<string, (x: number) => number> = {
    '(x - 1.3)**2': (x) => (x - 1.3) ** 2,
    '(x - 0.7)**2 + sin(3 x)': (x) => (x - 0.7) ** 2 + Math.sin(3 * x),
    'exp(x) - 5 x': (x) => Math.exp(x) - 5 * x,
    '(x + 40)**2 / 100 + cos(x)': (x) => (x + 40) ** 2 / 100 + Math.cos(x),
    'abs(x - 0.25)': (x) => Math.abs(x - 0.25),
  };
  for (const g of golden.brent) {
    it(g.f, () => {
      // source: SciPy 1.10.1 optimize.brent(f, brack=(-2, 2), full_output=True). The same path
      // step for step: the same iteration count and the same minimum, to the rounding of the
      // functions themselves (V8's Math.sin and glibc's sin may differ in the last bit, which moves
      // a parabolic step by ~1e-13).
      const r = brentMinimize(fns[g.f], -2, 2);
      expect(r.iterations).toBe(g.iterations);
      expect(relDiff(r.x, g.x)).toBeLessThan(1e-11);
    });
  }
});

describe("transform.yeo-johnson = PowerTransformer(method='yeo-johnson')", () => {
  for (const file of FILES) {
    const g = golden.power[file];
    const frame = frames.get(file) as Frame;
    for (const standardize of [true, false]) {
      it(`${file}: ${g.columns.join(', ')}, standardize=${standardize}`, () => {
        // source: scikit-learn 1.2.1 PowerTransformer(method='yeo-johnson',
        // standardize=...).fit(X): lambdas_, _scaler.mean_ / scale_, transform(X) on sampled rows.
        const e = g[
          `PowerTransformer(method='yeo-johnson', standardize=${standardize ? 'True' : 'False'})`
        ] as PowerCase;
        const { fitted, out } = fitOne(frame, {
          kind: 'transform.yeo-johnson',
          params: { columns: g.columns, standardize },
        });
        const state = fitted.state as {
          lambdas: Float64Array;
          center: Float64Array;
          scale: Float64Array;
        };
        // Same optimiser, bracket and likelihood as scikit-learn; only rounding differs
        // (expm1(λ·log1p x) here, pow(x + 1, λ) - 1 there, which loses digits for small λ; NumPy
        // sums pairwise). The likelihood is so flat at its maximum that rounding noise of ~1e-11 in
        // it moves the optimum by up to ~1e-6 relative (seattle wind: 1e-5, λ ≈ 0.0115, where
        // even SciPy's own yeojohnson_normmax differs from scikit-learn by 4e-7). So λ is checked
        // to 1e-4 relative, and, more strictly, our λ must fit the data at least as well as
        // scikit-learn's: its log-likelihood, computed carefully, is no lower (to 1e-12 relative).
        e.lambdas_.forEach((l, j) => {
          const name = g.columns[j];
          expect(relDiff(state.lambdas[j], l), `lambda of '${name}'`).toBeLessThan(1e-4);
          const x = presentOf(frame, name);
          const ours = negLogLikelihood(x, state.lambdas[j]);
          const theirs = negLogLikelihood(x, l);
          expect(ours - theirs, `likelihood at lambda of '${name}'`).toBeLessThanOrEqual(
            1e-12 * Math.abs(theirs),
          );
        });
        if (standardize) {
          e.mean_?.forEach((m, j) =>
            expect(relDiff(state.center[j], m, 1), `mean of '${g.columns[j]}'`).toBeLessThan(1e-5),
          );
          e.scale_?.forEach((s, j) =>
            expect(relDiff(state.scale[j], s), `scale of '${g.columns[j]}'`).toBeLessThan(1e-5),
          );
        }
        g.rows.forEach((row, k) => {
          g.columns.forEach((name, j) => {
            const expected = e.transform[k][j];
            const actual = cell(out, name, row);
            if (expected === null) expect(actual, `row ${row} '${name}'`).toBeNull();
            else
              expect(
                relDiff(actual as number, expected, 1),
                `row ${row} '${name}': ${actual} vs ${expected}`,
              ).toBeLessThan(1e-5);
          });
        });
      });
    }
  }
});

describe('outliers = Tukey fences from pandas quantile, |scipy.stats.zscore| > t', () => {
  for (const file of FILES) {
    const g = golden.outliers[file];
    const frame = frames.get(file) as Frame;
    it(`${file}: outliers.iqr fences and counts`, () => {
      // source: pandas 1.5.3 Series.quantile(0.25 / 0.75) (linear), fences q1 - k·IQR and
      // q3 + k·IQR, count of values strictly outside (script tests/fixtures/golden/sklearn_steps2.py)
      for (const e of g.iqr) {
        const { fitted, out } = fitOne(frame, {
          kind: 'outliers.iqr',
          params: { columns: [e.column], factor: e.factor, action: 'flag' },
        });
        const s = fitted.state as { low: Float64Array; high: Float64Array; outliers: Int32Array };
        const what = `'${e.column}' × ${e.factor}`;
        expect(relDiff(s.low[0], e.low, 1), what).toBeLessThan(1e-12);
        expect(relDiff(s.high[0], e.high, 1), what).toBeLessThan(1e-12);
        expect(s.outliers[0], what).toBe(e.outliers);
        let flagged = 0;
        for (let i = 0; i < out.rows; i++) flagged += cell(out, `${e.column}_outlier`, i) as number;
        expect(flagged, what).toBe(e.outliers);
        const dropped = fitOne(frame, {
          kind: 'outliers.iqr-drop',
          params: { columns: [e.column], factor: e.factor },
        });
        expect(dropped.out.rows, what).toBe(frame.rows - e.outliers);
        expect((dropped.fitted.state as { dropped: number }).dropped, what).toBe(e.outliers);
      }
    });
    it(`${file}: outliers.zscore mean, std and counts`, () => {
      // source: scipy 1.10.1 stats.zscore(x) (ddof=0) on the present values, count of |z| > t;
      // mean / std from NumPy (script tests/fixtures/golden/sklearn_steps2.py)
      for (const e of g.zscore) {
        const { fitted } = fitOne(frame, {
          kind: 'outliers.zscore-drop',
          params: { columns: [e.column], threshold: e.threshold },
        });
        const s = fitted.state as { low: Float64Array; high: Float64Array; dropped: number };
        const what = `'${e.column}' > ${e.threshold}`;
        expect(relDiff((s.low[0] + s.high[0]) / 2, e.mean, 1), what).toBeLessThan(1e-12);
        expect(relDiff((s.high[0] - s.low[0]) / (2 * e.threshold), e.std), what).toBeLessThan(
          1e-12,
        );
        expect(s.dropped, what).toBe(e.outliers);
      }
    });
  }
});

describe("rows.drop-duplicates = DataFrame.duplicated(subset, keep='first')", () => {
  for (const file of FILES) {
    const frame = frames.get(file) as Frame;
    for (const e of golden.duplicates[file]) {
      it(`${file}: ${e.columns.join(', ')}`, () => {
        // source: pandas 1.5.3 df.duplicated(subset=..., keep='first') (NaN equals NaN), the
        // count and the first 40 kept row numbers (script tests/fixtures/golden/sklearn_steps2.py)
        const { fitted, out } = fitOne(frame, {
          kind: 'rows.drop-duplicates',
          params: { columns: e.columns },
        });
        expect((fitted.state as { dropped: number }).dropped).toBe(e.dropped);
        expect(out.rows).toBe(frame.rows - e.dropped);
        expect(Array.from(firstOfEachDuplicate(frame, e.columns).subarray(0, 40))).toEqual(
          e.kept_first_40,
        );
        // The kept rows are exactly the first 40 of the frame the step returns.
        expect(frameRow(out, 0)).toEqual(frameRow(takeRows(frame, [e.kept_first_40[0]]), 0));
      });
    }
  }
});

describe('date.parts = pandas Series.dt.year / month / day / dayofweek / dayofyear', () => {
  for (const [name, e] of Object.entries(golden.date_parts)) {
    it(`${name} (${e.iso.length} dates, ${e.iso[0]} to ${e.iso[e.iso.length - 1]})`, () => {
      // source: pandas 1.5.3 .dt accessors on pd.to_datetime values (naive = UTC) and their
      // epoch milliseconds t.value // 10**6 (script tests/fixtures/golden/sklearn_steps2.py)
      const frame = makeFrame([numericColumn('d', 'date', e.epoch_ms)]);
      const { out } = fitOne(frame, { kind: 'date.parts', params: { columns: ['d'] } });
      expect(out.columns.map((c) => c.name)).toEqual([
        'd_year',
        'd_month',
        'd_day',
        'd_dayofweek',
        'd_dayofyear',
      ]);
      const got = (suffix: string) =>
        Array.from({ length: out.rows }, (_, i) => cell(out, `d_${suffix}`, i));
      expect(got('year')).toEqual(e.year);
      expect(got('month')).toEqual(e.month);
      expect(got('day')).toEqual(e.day);
      expect(got('dayofweek')).toEqual(e.dayofweek);
      expect(got('dayofyear')).toEqual(e.dayofyear);
    });
  }
  it('seattle-weather dates read by this test match the epoch milliseconds pandas gives', () => {
    const frame = frames.get('seattle-weather.csv') as Frame;
    const ours = Array.from({ length: frame.rows }, (_, i) => cell(frame, 'date', i));
    expect(ours).toEqual(golden.date_parts['seattle-weather.csv'].epoch_ms);
  });
});

describe("outliers.isolation-forest = IsolationForest(contamination='auto')", () => {
  function jaccard(a: readonly number[], b: readonly number[]): number {
    const sa = new Set(a);
    const inter = b.filter((x) => sa.has(x)).length;
    return inter / (sa.size + b.length - inter);
  }
  function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
    const n = a.length;
    let ma = 0;
    let mb = 0;
    for (let i = 0; i < n; i++) {
      ma += a[i] / n;
      mb += b[i] / n;
    }
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < n; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) ** 2;
      sbb += (b[i] - mb) ** 2;
    }
    return sab / Math.sqrt(saa * sbb);
  }

  for (const file of ['seattle-weather.csv', 'cars.json'] as const) {
    const g = golden.isolation_forest[file];
    it(`${file}: ${g.columns.join(', ')}, flags as many rows and the same ones as scikit-learn's seeds do`, () => {
      // source: scikit-learn 1.2.1 IsolationForest(random_state=0..4).fit(X).predict(X) == -1 and
      // -score_samples(X) for seed 0 (script tests/fixtures/golden/sklearn_steps2.py); cars.json
      // without the rows missing Miles_per_Gallon or Horsepower. Random forests cannot match bit for
      // bit, so ours (five seeds) are held to the spread between scikit-learn's own seeds.
      let frame = frames.get(file) as Frame;
      if (file === 'cars.json') {
        const keep: number[] = [];
        for (let i = 0; i < frame.rows; i++)
          if (cell(frame, 'Miles_per_Gallon', i) !== null && cell(frame, 'Horsepower', i) !== null)
            keep.push(i);
        frame = takeRows(frame, keep);
      }
      expect(frame.rows).toBe(g.scores_seed0.length);
      const theirs = g.flagged;
      const ours: number[][] = [];
      const oursScores: Float64Array[] = [];
      for (let seed = 1; seed <= 5; seed++) {
        const r = fitSteps(
          frame,
          [{ kind: 'outliers.isolation-forest', params: { columns: g.columns } }],
          seed,
        );
        const flagged: number[] = [];
        for (let i = 0; i < r.frame.rows; i++)
          if (cell(r.frame, 'outlier', i) === 1) flagged.push(i);
        ours.push(flagged);
        const st = r.fitted[0].state as Parameters<typeof isolationScores>[2];
        const cols = g.columns.map((c) => {
          const col = r.frame.columns.find((x) => x.name === c);
          return (col as { values: Float64Array }).values;
        });
        oursScores.push(isolationScores(cols, r.frame.rows, st));
      }
      const counts = theirs.map((f) => f.length);
      const low = Math.min(...counts);
      const high = Math.max(...counts);
      for (const f of ours) {
        expect(f.length).toBeGreaterThanOrEqual(Math.floor(0.85 * low));
        expect(f.length).toBeLessThanOrEqual(Math.ceil(1.15 * high));
      }
      const pairs = (a: number[][], b: number[][], same: boolean) => {
        const out: number[] = [];
        a.forEach((x, i) => b.forEach((y, j) => (!same || i < j) && out.push(jaccard(x, y))));
        return out.reduce((p, q) => p + q, 0) / out.length;
      };
      const theirAgreement = pairs(theirs, theirs, true);
      const crossAgreement = pairs(ours, theirs, false);
      expect(crossAgreement).toBeGreaterThan(theirAgreement - 0.08);
      for (const sc of oursScores) expect(pearson(sc, g.scores_seed0)).toBeGreaterThan(0.95);
    });
  }
});
