// Golden test: the 2-D view's principal components (src/core/resample/pca.ts) against
// scikit-learn 1.2.1's PCA(n_components=2, svd_solver='full'). Source of every expected value:
// tests/fixtures/golden/sklearn-pca.json, written by tests/fixtures/golden/sklearn_pca.py from
// vega-datasets' penguins.json and seattle-weather.csv and tests/fixtures/cv/breast_cancer.csv
// (scikit-learn's bundled breast_cancer). Standardised cases use StandardScaler's population
// std, reproduced here. Component signs are arbitrary in both tools: compared up to sign.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  covariance,
  fitPca2,
  projectPca2,
  symmetricEigen,
  topTwo,
} from '../../src/core/resample/pca';

interface Case {
  name: string;
  source: string;
  columns: string[];
  standardise: boolean;
  rows: number;
  mean: number[];
  components: number[][];
  variance: number[];
  ratio: number[];
  projected: { rows: number[]; values: number[][] };
}

const golden = JSON.parse(readFileSync('tests/fixtures/golden/sklearn-pca.json', 'utf8')) as {
  sklearn: string;
  cases: Case[];
};

function csvColumns(path: string, columns: string[]): number[][] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = header.split(',');
  const at = columns.map((c) => names.indexOf(c));
  return lines.map((line) => {
    const cells = line.split(',');
    return at.map((i) => Number(cells[i]));
  });
}

function penguinRows(columns: string[]): number[][] {
  const rows = JSON.parse(
    readFileSync('node_modules/vega-datasets/data/penguins.json', 'utf8'),
  ) as Record<string, unknown>[];
  return rows
    .map((r) => columns.map((c) => (typeof r[c] === 'number' ? (r[c] as number) : NaN)))
    .filter((r) => r.every((v) => Number.isFinite(v)));
}

function load(c: Case): number[][] {
  if (c.source.includes('penguins')) return penguinRows(c.columns);
  if (c.source.includes('seattle'))
    return csvColumns('node_modules/vega-datasets/data/seattle-weather.csv', c.columns);
  return csvColumns('tests/fixtures/cv/breast_cancer.csv', c.columns);
}

/** StandardScaler: (x − mean) / population std. */
function standardise(rows: number[][]): number[][] {
  const d = rows[0].length;
  const n = rows.length;
  const mean = Array.from({ length: d }, (_, f) => rows.reduce((s, r) => s + r[f], 0) / n);
  const std = mean.map((m, f) => Math.sqrt(rows.reduce((s, r) => s + (r[f] - m) ** 2, 0) / n));
  return rows.map((r) => r.map((v, f) => (v - mean[f]) / std[f]));
}

function matrix(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}

describe(`PCA against scikit-learn ${golden.sklearn}`, () => {
  for (const c of golden.cases) {
    it(`${c.name} (${c.rows} rows x ${c.columns.length}, ${c.source})`, () => {
      let rows = load(c);
      if (c.standardise) rows = standardise(rows);
      expect(rows.length).toBe(c.rows);
      const d = c.columns.length;
      const pca = fitPca2(matrix(rows), rows.length, d);
      const scale = Math.max(...c.variance);
      for (let f = 0; f < d; f++) expect(pca.mean[f]).toBeCloseTo(c.mean[f], 6);
      // explained_variance_ (n − 1) and explained_variance_ratio_.
      expect(pca.variance[0] / scale).toBeCloseTo(c.variance[0] / scale, 9);
      expect(pca.variance[1] / scale).toBeCloseTo(c.variance[1] / scale, 9);
      expect(pca.ratio[0]).toBeCloseTo(c.ratio[0], 9);
      expect(pca.ratio[1]).toBeCloseTo(c.ratio[1], 9);
      // components_, up to sign, and the projection of a few rows with the same sign.
      const signs = [0, 1].map((k) => {
        const ours = Array.from(pca.components.subarray(k * d, (k + 1) * d));
        const sign = Math.sign(ours.reduce((s, v, f) => s + v * c.components[k][f], 0));
        expect(Math.abs(sign)).toBe(1);
        ours.forEach((v, f) => expect(sign * v).toBeCloseTo(c.components[k][f], 7));
        return sign;
      });
      const picked = c.projected.rows.map((r) => rows[r]);
      const { x, y } = projectPca2(pca, matrix(picked), picked.length);
      const spread = Math.sqrt(c.variance[0]);
      picked.forEach((_, i) => {
        expect((signs[0] * x[i]) / spread).toBeCloseTo(c.projected.values[i][0] / spread, 7);
        expect((signs[1] * y[i]) / spread).toBeCloseTo(c.projected.values[i][1] / spread, 7);
      });
      // Readable signs: the largest loading of each component is positive.
      for (let k = 0; k < 2; k++) {
        const comp = Array.from(pca.components.subarray(k * d, (k + 1) * d));
        const big = comp.reduce((b, v, f) => (Math.abs(v) > Math.abs(comp[b]) ? f : b), 0);
        expect(comp[big]).toBeGreaterThan(0);
      }
      // More features than the block of 8 vectors: the iteration ran more than one round.
      if (d > 8) expect(pca.iterations).toBeGreaterThan(1);
      else expect(pca.iterations).toBe(1);
    });
  }
});

describe('PCA building blocks', () => {
  it('Jacobi eigenpairs of a small symmetric matrix satisfy A·v = λ·v, sorted descending', () => {
    // The covariance of seattle-weather's four numeric columns (n − 1).
    const rows = csvColumns('node_modules/vega-datasets/data/seattle-weather.csv', [
      'precipitation',
      'temp_max',
      'temp_min',
      'wind',
    ]);
    const { cov } = covariance(matrix(rows), rows.length, 4);
    const { values, vectors } = symmetricEigen(cov, 4);
    for (let k = 0; k < 4; k++) {
      if (k > 0) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
      for (let i = 0; i < 4; i++) {
        let av = 0;
        for (let j = 0; j < 4; j++) av += cov[i * 4 + j] * vectors[j * 4 + k];
        expect(av).toBeCloseTo(values[k] * vectors[i * 4 + k], 9);
      }
    }
    // The trace is kept: the eigenvalues sum to the total variance.
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(cov[0] + cov[5] + cov[10] + cov[15], 9);
  });

  it('block power iteration finds the top pair of a matrix with a nearly repeated second eigenvalue', () => {
    // diag(10, 5, 4.999, 1, ...) rotated: λ3 / λ2 ≈ 1 would stall plain power iteration on the
    // second component; the block of 8 converges at λ9 / λ2 instead.
    const d = 12;
    const diag = [10, 5, 4.999, 1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2];
    // A fixed rotation: a Householder reflection H = I − 2uuᵀ with u normalised.
    const u = Array.from({ length: d }, (_, i) => Math.sin(i + 1));
    const un = Math.hypot(...u);
    const h = (i: number, j: number) => (i === j ? 1 : 0) - (2 * u[i] * u[j]) / (un * un);
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += h(i, k) * diag[k] * h(j, k);
        a[i * d + j] = s;
      }
    const top = topTwo(a, d);
    expect(top.values[0]).toBeCloseTo(10, 9);
    expect(top.values[1]).toBeCloseTo(5, 9);
    // The first eigenvector is H's first column (up to sign).
    const v = top.vectors.subarray(0, d);
    const agreement = Array.from(v).reduce((s, x, i) => s + x * h(i, 0), 0);
    expect(Math.abs(agreement)).toBeCloseTo(1, 9);
  });

  it('constant data has no direction of variance; one feature is refused clearly', () => {
    const flat = fitPca2(new Float64Array([1, 2, 1, 2, 1, 2]), 3, 2);
    expect(flat.variance).toEqual([0, 0]);
    expect(Array.from(projectPca2(flat, new Float64Array([1, 2]), 1).x)).toEqual([0]);
    expect(() => fitPca2(new Float64Array([1, 2, 3]), 3, 1)).toThrow(
      /need at least two numeric features; there is one/,
    );
    expect(() => fitPca2(new Float64Array([1, NaN, 3, 4]), 2, 2)).toThrow(
      /row 1 has a missing or infinite value/,
    );
  });
});
