// ResampleContext.deferAppended (what `benchtop resample` uses to write a CSV without a second full
// copy of the data): for SMOTE, SMOTE-NC and random over-sampling, the input rows (r.frame) followed
// by appendedRows() in any blocks are exactly the frame the sampler returns by default: the same
// values, kinds (an integer / boolean feature widened by interpolation), notes, provenance and CSV.
// Data: every sampler example (tests/conformance walks the same), seattle-weather.csv (vega-datasets)
// with its date dropped, and a frame whose integer and boolean features SMOTE must widen.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameToCsv } from '../../src/core/data/csv-write';
import {
  frameFromTable,
  isNumericColumn,
  makeFrame,
  numericColumn,
  type Frame,
} from '../../src/core/data/frame';
import { bytesSource, ingest } from '../../src/core/ingest/index';
import { appendedRows, listSamplers, resample, type ResampleResult } from '../../src/core/resample';

/** r.frame's rows then the appended rows read in blocks of `block`, as one frame. */
function joined(r: ResampleResult, target: string, block: number): Frame {
  const m = r.appended?.source.length ?? 0;
  const parts = [r.frame];
  for (let from = 0; from < m; from += block)
    parts.push(appendedRows(r, target, from, Math.min(m, from + block)));
  const columns = r.frame.columns.map((c, j) => {
    if (isNumericColumn(c)) {
      const values = new Float64Array(r.frame.rows + m);
      let at = 0;
      for (const p of parts) {
        const pc = p.columns[j];
        if (!isNumericColumn(pc)) throw new Error('kind changed between blocks');
        values.set(pc.values, at);
        at += pc.values.length;
      }
      return { ...c, values };
    }
    const codes = new Int32Array(r.frame.rows + m);
    let at = 0;
    for (const p of parts) {
      const pc = p.columns[j];
      if (isNumericColumn(pc)) throw new Error('kind changed between blocks');
      codes.set(pc.codes, at);
      at += pc.codes.length;
    }
    return { ...c, codes };
  });
  return makeFrame(columns, r.frame.rows + m);
}

function expectSameResult(frame: Frame, spec: object, target: string, block: number): void {
  const whole = resample(frame, spec, { target, seed: 3 });
  const deferred = resample(frame, spec, { target, seed: 3, deferAppended: true });
  expect(whole.appended).toBeUndefined();
  expect(deferred.appended).toBeDefined();
  expect(deferred.frame.rows).toBe(frame.rows);
  // The input rows are shared, not copied.
  const first = frame.columns.find((c) => isNumericColumn(c));
  if (first && isNumericColumn(first)) {
    const out = deferred.frame.columns.find((c) => c.name === first.name);
    expect(out && isNumericColumn(out) ? out.values : null).toBe(first.values);
  }
  const rebuilt = joined(deferred, target, block);
  expect(rebuilt.columns.map((c) => [c.name, c.kind])).toEqual(
    whole.frame.columns.map((c) => [c.name, c.kind]),
  );
  expect(rebuilt).toEqual(whole.frame);
  expect(frameToCsv(rebuilt)).toBe(frameToCsv(whole.frame));
  expect(deferred.notes).toEqual(whole.notes);
  expect(deferred.classes).toEqual(whole.classes);
  expect(deferred.origin).toEqual(whole.origin);
  expect(deferred.source).toEqual(whole.source);
  expect(deferred.neighbour).toEqual(whole.neighbour);
  expect(deferred.gap).toEqual(whole.gap);
}

describe('deferAppended', () => {
  const appending = listSamplers().filter((s) => s.family === 'over');

  it('covers every over-sampler', () => {
    expect(appending.map((s) => s.kind).sort()).toEqual(['random-over', 'smote', 'smote-nc']);
  });

  for (const s of appending) {
    for (const ex of s.examples) {
      it(`${s.kind}: ${ex.name}: input rows + appended blocks = the default frame`, () => {
        for (const block of [1, 3, 1000])
          expectSameResult(ex.frame(), { kind: s.kind, params: ex.params }, ex.target, block);
      });
    }
  }

  it('seattle-weather (1,461 rows, 5 classes): smote, smote-nc and random-over', async () => {
    const bytes = readFileSync('node_modules/vega-datasets/data/seattle-weather.csv');
    const { table, schema } = await ingest(bytesSource('seattle-weather.csv', bytes));
    const all = frameFromTable(table, schema);
    const frame = makeFrame(all.columns.filter((c) => c.name !== 'date'));
    for (const kind of ['smote', 'random-over'])
      expectSameResult(frame, { kind, params: {} }, 'weather', 500);
    // SMOTE-NC with a categorical feature: the weather of the day before.
    const weather = all.columns.find((c) => c.name === 'weather');
    if (!weather || isNumericColumn(weather)) throw new Error('weather is categorical');
    const before = {
      ...weather,
      name: 'yesterday',
      codes: Int32Array.from(weather.codes, (_, i) => weather.codes[Math.max(0, i - 1)]),
    };
    expectSameResult(
      makeFrame([...frame.columns, before]),
      { kind: 'smote-nc', params: {} },
      'weather',
      333,
    );
  });

  it('integer and boolean features that SMOTE interpolates widen to number in both modes', () => {
    const frame = makeFrame([
      numericColumn('count', 'integer', [1, 4, 2, 8, 5, 7, 3, 9, 6, 2, 4, 1]),
      numericColumn('flag', 'boolean', [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1]),
      numericColumn('y', 'integer', [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]),
    ]);
    const r = resample(
      frame,
      { kind: 'smote', params: { kNeighbors: 2 } },
      { target: 'y', seed: 1, deferAppended: true },
    );
    expect(r.frame.columns.map((c) => c.kind)).toEqual(['number', 'number', 'integer']);
    expect(r.notes.join(' ')).toContain("'count', 'flag' are now number columns");
    expectSameResult(frame, { kind: 'smote', params: { kNeighbors: 2 } }, 'y', 2);
  });

  it('under-samplers and Tomek links ignore it; appendedRows refuses a result without appended rows', () => {
    const ex = listSamplers().find((s) => s.kind === 'tomek')!.examples[0];
    const r = resample(
      ex.frame(),
      { kind: 'tomek', params: ex.params },
      { target: ex.target, seed: 0, deferAppended: true },
    );
    expect(r.appended).toBeUndefined();
    expect(r.frame.rows).toBe(r.origin.length);
    expect(() => appendedRows(r, ex.target, 0, 1)).toThrow('appendedRows needs a deferred result');
  });
});
