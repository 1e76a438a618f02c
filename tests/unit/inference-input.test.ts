// The predictor's input checks on a real penguins bundle (auto-prepare: median / most-frequent
// imputation, one-hot Island and Sex, standard scaling; logreg): a missing required column and a
// wrongly typed value are refused naming the column (and row); null is a missing value, imputed
// as in training; extra columns are read past and reported; an unseen category is reported and
// encoded as the one-hot step does (all zeros: the same prediction as a missing Island after
// imputation would NOT give, so we compare with the encoder's own output); predictFrame converts
// numbers stored as categories; the manifest carries the input signature of the training data.
import { beforeAll, describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import { frameFromRows, frameRow, makeFrame, stringColumn } from '../../src/core/data/frame';
import { toMatrix } from '../../src/core/evaluate';
import { nodeTf } from '../../src/core/models/node-tf';
import type { Tf } from '../../src/core/models';
import { applyRecipe } from '../../src/core/recipe';
import { bundleInputFromFinal, readBundle, writeBundle } from '../../src/core/bundle';
import { loadPredictor, type Predictor } from '../../src/core/inference';
import { DATA, trained } from './bundle-helpers';

let tf: Tf;
let predictor: Predictor;
let t: Awaited<ReturnType<typeof trained>>;

const ROW = {
  Island: 'Biscoe',
  'Beak Length (mm)': 45.2,
  'Beak Depth (mm)': 14.8,
  'Flipper Length (mm)': 212,
  'Body Mass (g)': 5200,
  Sex: 'FEMALE',
};

beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
  t = await trained(tf, DATA.penguins, 'Species');
  const zip = await writeBundle(
    await bundleInputFromFinal(tf, t.final, t.frame, {
      name: 'Penguins',
      created: '2025-03-01T12:00:00Z',
    }),
  );
  predictor = await loadPredictor(tf, await readBundle(zip));
});

async function refused(p: Promise<unknown>): Promise<BenchtopError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BenchtopError);
    return err as BenchtopError;
  }
  throw new Error('expected a refusal');
}

/** The in-process pipeline on the same rows: the reference for any input. */
async function reference(rows: Record<string, unknown>[]): Promise<Float64Array> {
  const schema = t.frame.columns.map((c) => ({ name: c.name, kind: c.kind }));
  const frame = frameFromRows(rows, schema);
  const prepared = applyRecipe(frame, t.final.fitted, { inference: true });
  const m = toMatrix(prepared, 'Species', { features: t.final.features });
  return t.final.model.predict(m.X, m.rows);
}

describe('input signature', () => {
  it('lists the training columns with kinds, categories, ranges and roles', () => {
    const sig = Object.fromEntries(predictor.inputSignature.map((c) => [c.name, c]));
    expect(Object.keys(sig).sort()).toEqual(Object.keys(ROW).sort());
    expect(sig.Island).toMatchObject({
      kind: 'categorical',
      role: 'feature',
      categories: ['Biscoe', 'Dream', 'Torgersen'],
    });
    expect(sig['Beak Length (mm)']).toMatchObject({
      kind: 'number',
      role: 'feature',
      range: { min: 32.1, max: 59.6 },
      missing: 2,
    });
    expect(predictor.labels).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(predictor.manifest.steps.map((s) => (s.spec as { kind: string }).kind)).not.toContain(
      'rows.drop-missing-target',
    );
  });
});

describe('predictRows', () => {
  it('predicts a Gentoo-like row as Gentoo, equal to the in-process pipeline', async () => {
    const r = await predictor.predictRows([ROW]);
    const p = r.predictions[0];
    expect('label' in p && p.label).toBe('Gentoo');
    const ref = await reference([ROW]);
    expect('probabilities' in p).toBe(true);
    if ('probabilities' in p)
      ['Adelie', 'Chinstrap', 'Gentoo'].forEach((l, c) =>
        expect(Math.abs(p.probabilities[l] - ref[c])).toBeLessThan(1e-6),
      );
    expect(r.report).toEqual({
      rows: 1,
      extraColumns: [],
      unknownCategories: [],
      missingValues: [],
    });
  });

  it('refuses a missing required column, naming it', async () => {
    const { ['Body Mass (g)']: _, ...rest } = ROW;
    const e = await refused(predictor.predictRows([rest]));
    expect(e.message).toBe(
      "The row has no column 'Body Mass (g)', which the model needs. Add it (null or an empty value marks a value as unknown).",
    );
    const e2 = await refused(predictor.predictRows([ROW, ROW, { Island: 'Dream' }]));
    expect(e2.message).toMatch(/^Row 3 lacks 5 columns 'Beak Length \(mm\)', /);
    expect(e2.details.column).toBe('Beak Length (mm)');
  });

  it('refuses a wrongly typed value, naming the column and row', async () => {
    const e = await refused(predictor.predictRows([ROW, { ...ROW, 'Beak Depth (mm)': 'abc' }]));
    expect(e.message).toBe(`Column 'Beak Depth (mm)' should hold a number, but row 2 has "abc".`);
    const e2 = await refused(predictor.predictRows([{ ...ROW, Island: { name: 'Biscoe' } }]));
    expect(e2.message).toMatch(/^Column 'Island' should hold text, but row 1 has/);
    expect(
      (await refused(predictor.predictRows(['x' as unknown as Record<string, unknown>]))).message,
    ).toMatch(/Row 1 is not an object/);
  });

  it('null is a missing value, imputed as in training, and reported', async () => {
    const row = { ...ROW, 'Body Mass (g)': null, Sex: null };
    const r = await predictor.predictRows([row]);
    expect(r.report.missingValues).toEqual([
      { column: 'Body Mass (g)', rows: 1 },
      { column: 'Sex', rows: 1 },
    ]);
    const ref = await reference([row]);
    const p = r.predictions[0];
    // A classifier's prediction: the comparison below must run, not be skipped.
    expect('probabilities' in p).toBe(true);
    if ('probabilities' in p) expect(Math.abs(p.probabilities.Gentoo - ref[2])).toBeLessThan(1e-6);
  });

  it('extra columns are ignored and reported; unseen categories go where the encoder sends them', async () => {
    const row = { ...ROW, Island: 'Atlantis', id: 17, note: 'hi' };
    const r = await predictor.predictRows([row]);
    expect(r.report.extraColumns).toEqual(['id', 'note']);
    expect(r.report.unknownCategories).toEqual([
      { column: 'Island', values: ['Atlantis'], rows: 1 },
    ]);
    const ref = await reference([row]);
    const p = r.predictions[0];
    // A classifier's prediction: the comparison below must run, not be skipped.
    expect('probabilities' in p).toBe(true);
    if ('probabilities' in p)
      ['Adelie', 'Chinstrap', 'Gentoo'].forEach((l, c) =>
        expect(Math.abs(p.probabilities[l] - ref[c])).toBeLessThan(1e-6),
      );
    // The one-hot step gives all zeros for an unseen Island: check it did, not just "some" output.
    const prepared = applyRecipe(
      frameFromRows(
        [row],
        t.frame.columns.map((c) => ({ name: c.name, kind: c.kind })),
      ),
      t.final.fitted,
      { inference: true },
    );
    const island = frameRow(prepared, 0);
    expect(
      Object.entries(island)
        .filter(([k]) => k.startsWith('Island='))
        .every(([, v]) => v === false),
    ).toBe(true);
  });

  it('no rows: no predictions', async () => {
    expect((await predictor.predictRows([])).predictions).toEqual([]);
  });
});

describe('predictFrame', () => {
  it('matches columns by name and converts numbers stored as text', async () => {
    const rows = [ROW, { ...ROW, Island: 'Dream', 'Flipper Length (mm)': 190 }];
    const asText = makeFrame([
      ...frameFromRows(rows, [
        { name: 'Island', kind: 'categorical' },
        { name: 'Sex', kind: 'categorical' },
      ]).columns,
      ...['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'].map((n) =>
        stringColumn(
          n,
          'categorical',
          rows.map((r) => String(r[n as keyof typeof ROW])),
        ),
      ),
      stringColumn('comment', 'text', ['a', 'b']),
    ]);
    const a = await predictor.predictFrame(asText);
    const b = await predictor.predictRows(rows);
    expect(a.predictions).toEqual(b.predictions);
    expect(a.report.extraColumns).toEqual(['comment']);
    const bad = makeFrame([
      ...asText.columns.filter((c) => c.name !== 'Body Mass (g)'),
      stringColumn('Body Mass (g)', 'categorical', ['5200', 'heavy']),
    ]);
    expect((await refused(predictor.predictFrame(bad))).message).toBe(
      `Column 'Body Mass (g)' should hold numbers, but row 2 has "heavy".`,
    );
    const missing = makeFrame(asText.columns.filter((c) => c.name !== 'Sex'));
    expect((await refused(predictor.predictFrame(missing))).message).toMatch(
      /^The data has no column 'Sex', which the model needs/,
    );
  });
});
