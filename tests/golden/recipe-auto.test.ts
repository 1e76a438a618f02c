// Golden test: the auto-prepare recipe, end to end through Benchtop (read a file, infer kinds,
// profile, build the recipe, fit it on every row), against scikit-learn's
// ColumnTransformer([SimpleImputer(median) + StandardScaler on numbers,
//                    SimpleImputer(most_frequent) + OneHotEncoder on categories])
// fitted on the rows whose target is present. Source of every expected number: scikit-learn 1.2.1 /
// pandas 1.5.3 (Debian python3-sklearn), written to tests/fixtures/golden/sklearn-auto.json by
// tests/fixtures/golden/sklearn_auto.py. Data: vega-datasets penguins.json and cars.json (missing
// values in numbers, categories and the target), given to Benchtop as CSV text (null -> empty).
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { cellValue, findColumn, frameFromTable, type Frame } from '../../src/core/data/frame';
import { profileTable } from '../../src/core/data/profile';
import { bytesSource, ingest } from '../../src/core/ingest/index';
import { autoRecipe, fitRecipeSync, type Recipe } from '../../src/core/recipe';
import { hasStep } from '../../src/core/steps';

interface GoldenCase {
  file: string;
  target: string;
  ignored: string[];
  dates: string[];
  rows_in: number;
  rows_out: number;
  target_values: (string | number)[];
  columns: Record<string, number[]>;
}
const golden = JSON.parse(readFileSync('tests/fixtures/golden/sklearn-auto.json', 'utf8')) as {
  source: string;
  cases: GoldenCase[];
};

async function prepared(c: GoldenCase): Promise<{ recipe: Recipe; frame: Frame; rowsIn: number }> {
  const rows = JSON.parse(
    readFileSync(`node_modules/vega-datasets/data/${c.file}`, 'utf8'),
  ) as object[];
  const csv = new TextEncoder().encode(Papa.unparse(rows));
  const { table, schema, report } = await ingest(bytesSource(c.file.replace('.json', '.csv'), csv));
  const profile = profileTable(table, schema, report);
  const recipe = autoRecipe(schema, profile, c.target);
  const fit = fitRecipeSync(frameFromTable(table, schema), recipe);
  return { recipe, frame: fit.frame, rowsIn: table.numRows };
}

/** The golden columns auto-prepare should produce: dates as parts once date.parts exists. */
function expectedColumns(c: GoldenCase): string[] {
  const parts = hasStep('date.parts');
  return Object.keys(c.columns).filter((name) => {
    const date = c.dates.find((d) => name === d || name.startsWith(`${d}_`));
    if (date === undefined) return true;
    return parts ? name !== date : name === date;
  });
}

describe(`auto-prepare equals scikit-learn's pipeline (${golden.source})`, () => {
  for (const c of golden.cases) {
    it(`${c.file}, target '${c.target}'`, async () => {
      const { recipe, frame, rowsIn } = await prepared(c);
      expect(rowsIn).toBe(c.rows_in);
      // Rows with a missing target dropped, never imputed.
      expect(frame.rows).toBe(c.rows_out);
      expect(recipe.roles.ignored).toEqual(c.ignored);
      // The target comes through untouched, row for row.
      const target = findColumn(frame, c.target)!;
      const values = Array.from({ length: frame.rows }, (_, i) => cellValue(target, i));
      expect(values).toEqual(c.target_values);
      // Exactly the features scikit-learn produces (plus the target), each within 1e-9.
      const expected = expectedColumns(c);
      expect(frame.columns.map((col) => col.name).sort()).toEqual([...expected, c.target].sort());
      for (const name of expected) {
        const col = findColumn(frame, name)!;
        const want = c.columns[name];
        let worst = 0;
        for (let i = 0; i < frame.rows; i++) {
          const got = cellValue(col, i);
          const x = typeof got === 'boolean' ? Number(got) : (got as number);
          worst = Math.max(worst, Math.abs(x - want[i]));
        }
        expect(worst, name).toBeLessThan(1e-9);
      }
    });
  }
});
