// `benchtop predict` with real bundles (penguins: 3-class logreg; cars: linear regression) on real
// files: the output holds the input columns plus prediction and proba_<class> (regression:
// prediction only), equal to src/core/inference on the same rows read back from the written file;
// extra columns are kept and mentioned; a missing required column or a wrongly typed value is exit
// 1 naming the column, with nothing written; usage mistakes are exit 2.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSource } from '../../src/cli/main';
import { mainCli } from './cli-run';
import type { PredictOutput } from '../../src/cli/predict';
import { readBundle } from '../../src/core/bundle';
import { findColumn, frameFromTable, frameRow, type Frame } from '../../src/core/data/frame';
import { loadPredictor, type Prediction } from '../../src/core/inference';
import { ingest } from '../../src/core/ingest/index';
import { nodeTf } from '../../src/core/models/node-tf';
import type { Tf } from '../../src/core/models';
import { DATA } from './bundle-helpers';
import { autoBundle, requestRows } from './serve-helpers';

let tf: Tf;
let dir: string;
let penguinsZip: string;
let carsZip: string;
beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
  dir = mkdtempSync(join(tmpdir(), 'benchtop-predict-'));
  penguinsZip = join(dir, 'penguins.benchtop.zip');
  carsZip = join(dir, 'cars.benchtop.zip');
  writeFileSync(penguinsZip, (await autoBundle(tf, DATA.penguins, 'Species', 'Penguins')).zip);
  writeFileSync(carsZip, (await autoBundle(tf, DATA.cars, 'Miles_per_Gallon', 'Cars')).zip);
});

const cli = mainCli;

async function read(path: string): Promise<Frame> {
  const r = await ingest(await fileSource(path), {});
  return frameFromTable(r.table, r.schema);
}

/** src/core/inference on JSON rows of the data file (the target left out). */
async function reference(zip: string, data: string, target: string): Promise<Prediction[]> {
  const bundle = await readBundle(new Uint8Array(readFileSync(zip)));
  const frame = await read(data);
  const rows = requestRows(
    Array.from({ length: frame.rows }, (_, i) => frameRow(frame, i)),
    target,
  );
  const predictor = await loadPredictor(tf, bundle);
  try {
    return (await predictor.predictRows(rows)).predictions;
  } finally {
    predictor.dispose();
  }
}

describe('benchtop predict', () => {
  it('penguins: input columns + prediction + proba_<class>, equal to src/core/inference', async () => {
    const out = join(dir, 'penguins-predictions.csv');
    const r = await cli('predict', penguinsZip, DATA.penguins, '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as PredictOutput;
    const input = [
      'Species',
      'Island',
      'Beak Length (mm)',
      'Beak Depth (mm)',
      'Flipper Length (mm)',
      'Body Mass (g)',
      'Sex',
    ];
    const added = ['prediction', 'proba_Adelie', 'proba_Chinstrap', 'proba_Gentoo'];
    expect(o).toMatchObject({
      bundle: 'penguins.benchtop.zip',
      model: { name: 'Penguins', version: '1.2.3', task: 'classification' },
      data: 'penguins.csv',
      rows: 344,
      columns: [...input, ...added],
      extraColumns: [],
      backend: 'wasm',
    });
    expect(o.missingValues).toContainEqual({ column: 'Sex', rows: 10 });
    expect(Object.values(o.predicted).reduce((a, b) => a + b, 0)).toBe(344);

    const written = await read(out);
    expect(written.columns.map((c) => c.name)).toEqual([...input, ...added]);
    const want = await reference(penguinsZip, DATA.penguins, 'Species');
    const prediction = findColumn(written, 'prediction')!;
    const species = findColumn(written, 'Species')!;
    let right = 0;
    for (let i = 0; i < written.rows; i++) {
      const w = want[i] as { label: string; probabilities: Record<string, number> };
      const row = frameRow(written, i);
      expect(row.prediction).toBe(w.label);
      for (const label of ['Adelie', 'Chinstrap', 'Gentoo']) {
        expect(Math.abs((row[`proba_${label}`] as number) - w.probabilities[label])).toBeLessThan(
          1e-12,
        );
      }
      if (frameRow(written, i).Species === row.prediction) right++;
    }
    expect(prediction.kind).toBe('categorical');
    expect(species.kind).toBe('categorical');
    expect(right / written.rows).toBeGreaterThan(0.98);
  });

  it('cars (regression, Arrow out): prediction only; extra columns kept and mentioned', async () => {
    // The data as given plus a column the model never saw.
    const text = readFileSync(DATA.cars, 'utf8').trimEnd().split('\n');
    const path = join(dir, 'cars-extra.csv');
    writeFileSync(
      path,
      text.map((line, i) => `${line},${i === 0 ? 'Dealer' : `d${i % 7}`}`).join('\n') + '\n',
    );
    const out = join(dir, 'cars-predictions.arrow');
    const r = await cli('predict', carsZip, path, '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^predicted 406 rows of cars-extra\.csv with Cars 1\.2\.3 \(regression\) -> .+cars-predictions\.arrow; backend wasm/,
    );
    expect(r.stdout).toContain(
      "note: the model does not use 'Name', 'Dealer'; kept in the output as they were",
    );
    const written = await read(out);
    expect(written.columns.map((c) => c.name).slice(-3)).toEqual([
      'Origin',
      'Dealer',
      'prediction',
    ]);
    const want = await reference(carsZip, DATA.cars, 'Miles_per_Gallon');
    const values = (findColumn(written, 'prediction') as { values: Float64Array }).values;
    want.forEach((w, i) =>
      expect(Math.abs(values[i] - (w as { value: number }).value)).toBeLessThan(1e-12),
    );
  });

  it('a missing required column or a wrongly typed value: exit 1 naming it, nothing written', async () => {
    const lines = readFileSync(DATA.penguins, 'utf8').trimEnd().split('\n');
    const noSex = join(dir, 'no-sex.csv');
    writeFileSync(noSex, lines.map((l) => l.split(',').slice(0, 6).join(',')).join('\n'));
    const out1 = join(dir, 'p1.csv');
    const a = await cli('predict', penguinsZip, noSex, '--out', out1);
    expect(a.code).toBe(1);
    expect(a.stderr).toBe(
      "error: The data has no column 'Sex', which the model needs. Add it (null or an empty value marks a value as unknown).\n",
    );
    expect(existsSync(out1)).toBe(false);

    // One stray word in a number column is read as missing (and said so)...
    const typo = join(dir, 'typo.csv');
    const cells = lines[5].split(',');
    cells[5] = 'heavy';
    writeFileSync(typo, [...lines.slice(0, 5), cells.join(','), ...lines.slice(6)].join('\n'));
    const stray = await cli('predict', penguinsZip, typo, '--out', join(dir, 'stray.csv'));
    expect(stray.code).toBe(0);
    expect(stray.stdout).toContain(
      `note: 'Body Mass (g)' has 1 value that does not fit its kind (line 6: "heavy"), read as missing`,
    );
    // ... while a column of text where the model wants numbers is refused, naming it.
    const words = join(dir, 'words.csv');
    writeFileSync(
      words,
      lines
        .map((l, i) => {
          const c = l.split(',');
          if (i > 0 && c[5] !== '') c[5] = `${c[5]} g`;
          return c.join(',');
        })
        .join('\n'),
    );
    const out2 = join(dir, 'p2.csv');
    const b = await cli('predict', penguinsZip, words, '--out', out2);
    expect(b.code).toBe(1);
    expect(b.stderr).toBe(
      `error: Column 'Body Mass (g)' should hold numbers, but row 1 has "3750.0 g".\n`,
    );
    expect(existsSync(out2)).toBe(false);

    // An earlier predictions file as input: its prediction columns would be overwritten.
    const again = await cli(
      'predict',
      penguinsZip,
      join(dir, 'penguins-predictions.csv'),
      '--out',
      join(dir, 'p3.csv'),
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^error: The data already has columns 'prediction', 'proba_Adelie', 'proba_Chinstrap', 'proba_Gentoo'/,
    );
  });

  it('usage mistakes exit 2; a file that is not a bundle exits 1', async () => {
    const cases: [string[], string][] = [
      [
        ['predict', penguinsZip],
        'error: predict: predict needs a bundle and a data file: benchtop predict <bundle.zip> <data> --out <predictions.csv>\n',
      ],
      [
        ['predict', penguinsZip, DATA.penguins],
        'error: predict: predict needs --out <predictions.csv|.arrow>: where to write the predictions.\n',
      ],
      [
        ['predict', penguinsZip, DATA.penguins, '--out', join(dir, 'p.json')],
        "error: predict: --out must name a .csv, .arrow or .arrows file (got 'p.json').\n",
      ],
      [
        ['predict', penguinsZip, DATA.penguins, '--out', join(dir, 'p.csv'), '--fast'],
        'error: predict: unknown option --fast\n',
      ],
    ];
    for (const [args, stderr] of cases)
      expect(await cli(...args)).toMatchObject({ code: 2, stderr });
    const notBundle = await cli(
      'predict',
      DATA.penguins,
      DATA.penguins,
      '--out',
      join(dir, 'x.csv'),
    );
    expect(notBundle.code).toBe(1);
    expect(notBundle.stderr).toMatch(/^error: penguins\.csv: This file is not a Benchtop bundle/);
    const missing = await cli(
      'predict',
      join(dir, 'none.zip'),
      DATA.penguins,
      '--out',
      join(dir, 'x.csv'),
    );
    expect(missing).toMatchObject({
      code: 1,
      stderr: `error: no such bundle: ${join(dir, 'none.zip')}\n`,
    });
  });
});
