// type.cast: changes the kind of one column (text to number, number to category, text to date...),
// with the same strict parsers as the import panel's type override (src/core/data/recast.ts): a
// value that does not parse becomes missing, and the fitted state records how many did (and a few
// examples) so the UI can say so ("12 values of 'price' were not numbers, e.g. 'n/a'"). Rows
// transformed later follow the same rule. Decisions:
// - text to integer: whole numbers only ('3' and '3.0' parse, '3.5' does not); to boolean:
//   true/false, yes/no, t/f, y/n, 1/0; to date: ISO dates ('2012-01-31', '2012-01-31T08:30Z'),
//   naive times are UTC. Text that is a usual missing marker ('', 'NA', '?'...) is missing, not a
//   failure.
// - 'inf' / 'Infinity' do not count as numbers here: every later step refuses infinite values.
// - number to integer: fractional values do not fit and become missing; number or integer to
//   boolean: only 0 and 1 fit. A date becomes its epoch milliseconds as a number.
// - numbers, booleans and dates become text as the CSV writer prints them (true/false, 2012-01-31).
// - refused up front: a number or boolean to a date (Benchtop does not guess the unit), and a date
//   to a boolean.
// Text columns are parsed once per distinct value, not once per row.
import {
  findColumn,
  isNumericColumn,
  isNumericKind,
  makeFrame,
  numericColumn,
  replaceColumns,
  stringColumn,
  type FrameColumn,
  type NumericFrameColumn,
  type NumericKind,
  type StringFrameColumn,
} from '../data/frame';
import { formatDate, parseBoolean, parseDate, parseNumber } from '../data/recast';
import type { ColumnKind } from '../data/schema';
import { DEFAULT_MISSING_MARKERS } from '../ingest/types';
import { ANY_KIND, defineStep } from './define';

type Params = { column: string; to: ColumnKind };
type State = {
  /** Rows of the fitting data whose value did not fit the new kind (now missing). */
  unparsed: number;
  /** Up to five distinct values that did not fit, for the message the UI shows. */
  examples: string[];
};

const MAX_EXAMPLES = 5;
const MISSING = new Set(DEFAULT_MISSING_MARKERS);

/** Why a conversion is refused before looking at any value, or null when it is allowed. */
function refusal(from: ColumnKind, to: ColumnKind): string | null {
  if (to === 'date' && (from === 'integer' || from === 'number' || from === 'boolean'))
    return `Benchtop does not guess which date a ${from === 'boolean' ? 'true/false value' : 'number'} means; change it to text first if it holds written dates, or re-import the file with the column written as dates (YYYY-MM-DD).`;
  if (to === 'boolean' && from === 'date') return 'dates are not true/false values.';
  return null;
}

/** Text -> number of the given kind; NaN when it does not fit. */
function parseAs(text: string, kind: NumericKind): number {
  if (kind === 'boolean') {
    const b = parseBoolean(text);
    return b === null ? NaN : b ? 1 : 0;
  }
  if (kind === 'date') return parseDate(text);
  const x = parseNumber(text);
  if (!Number.isFinite(x)) return NaN;
  return kind === 'integer' && !Number.isInteger(x) ? NaN : x;
}

/** A stored number of one kind as text. */
function textOf(kind: NumericKind, v: number): string {
  if (kind === 'boolean') return v ? 'true' : 'false';
  if (kind === 'date') return formatDate(v);
  return String(v);
}

interface Cast {
  column: FrameColumn;
  unparsed: number;
  examples: string[];
}

function fromText(column: StringFrameColumn, to: NumericKind): Cast {
  // One parse per category; `failed` tells a value that did not parse from a missing marker.
  const parsed = new Float64Array(column.categories.length);
  const failed = new Uint8Array(column.categories.length);
  column.categories.forEach((text, k) => {
    if (MISSING.has(text.trim())) parsed[k] = NaN;
    else {
      parsed[k] = parseAs(text, to);
      failed[k] = parsed[k] !== parsed[k] ? 1 : 0;
    }
  });
  const codes = column.codes;
  const values = new Float64Array(codes.length);
  let unparsed = 0;
  const seen = new Uint8Array(column.categories.length);
  const examples: string[] = [];
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) {
      values[i] = NaN;
      continue;
    }
    values[i] = parsed[c];
    if (failed[c]) {
      unparsed++;
      if (!seen[c] && examples.length < MAX_EXAMPLES) examples.push(column.categories[c]);
      seen[c] = 1;
    }
  }
  return { column: { name: column.name, kind: to, values }, unparsed, examples };
}

function toText(column: NumericFrameColumn, to: 'categorical' | 'text'): Cast {
  const v = column.values;
  const codes = new Int32Array(v.length);
  const categories: string[] = [];
  const index = new Map<number, number>();
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(x === 0 ? 0 : x); // -0 and 0 both print as '0'
    if (code === undefined) {
      code = categories.length;
      categories.push(textOf(column.kind, x));
      index.set(x === 0 ? 0 : x, code);
    }
    codes[i] = code;
  }
  return { column: { name: column.name, kind: to, codes, categories }, unparsed: 0, examples: [] };
}

function betweenNumbers(column: NumericFrameColumn, to: NumericKind): Cast {
  const v = column.values;
  const values = new Float64Array(v.length);
  const fits =
    to === 'integer'
      ? (x: number) => Number.isInteger(x)
      : to === 'boolean'
        ? (x: number) => x === 0 || x === 1
        : () => true;
  let unparsed = 0;
  const examples: string[] = [];
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x || fits(x)) {
      values[i] = x;
      continue;
    }
    values[i] = NaN;
    unparsed++;
    const text = textOf(column.kind, x);
    if (examples.length < MAX_EXAMPLES && !examples.includes(text)) examples.push(text);
  }
  return { column: { name: column.name, kind: to, values }, unparsed, examples };
}

/** The column converted to `to`, with what did not fit. Pure: the input is not touched. */
export function castColumn(column: FrameColumn, to: ColumnKind): Cast {
  if (column.kind === to) return { column, unparsed: 0, examples: [] };
  if (isNumericColumn(column)) {
    if (isNumericKind(to)) return betweenNumbers(column, to);
    return toText(column, to);
  }
  if (isNumericKind(to)) return fromText(column, to);
  // categorical <-> text: the same values; new codes so the output does not alias the input.
  return {
    column: {
      name: column.name,
      kind: to,
      codes: column.codes.slice(),
      categories: column.categories,
    },
    unparsed: 0,
    examples: [],
  };
}

export const typeCast = defineStep<Params, State>({
  kind: 'type.cast',
  role: 'transform',
  title: 'Change type',
  description:
    'Changes the kind of a column (for example text to number, or number to category). Values that do not fit the new kind become missing, and their count is shown.',
  params: {
    column: { type: 'column', label: 'Column', kinds: ANY_KIND },
    to: { type: 'choice', label: 'New type', options: ANY_KIND },
  },
  defaults: { column: '', to: 'number' },
  check(params, inputSchema) {
    const from = inputSchema.find((c) => c.name === params.column)?.kind;
    const why = from ? refusal(from, params.to) : null;
    return why
      ? [`column '${params.column}' cannot change from ${from} to ${params.to}: ${why}`]
      : [];
  },

  fit(frame, params) {
    const column = findColumn(frame, params.column);
    if (!column) return { unparsed: 0, examples: [] };
    const { unparsed, examples } = castColumn(column, params.to);
    return { unparsed, examples };
  },

  transform(frame, fitted) {
    const { column: name, to } = fitted.spec.params;
    const column = findColumn(frame, name);
    if (!column) return frame; // the pipeline has already reported it
    return replaceColumns(frame, new Map([[name, [castColumn(column, to).column]]]));
  },

  examples: [
    {
      // Every value here parses: the suite checks that no column gains missing values, which a
      // value that does not parse would (tests/unit/steps/type-cast.test.ts covers those).
      name: 'text to number, with thousands separators and exponents',
      params: { column: 'price', to: 'number' },
      frame: () =>
        makeFrame([
          stringColumn('price', 'text', ['12.5', '1,200', '1e3', null, '-3', '12.5', ' 7 ']),
          numericColumn('n', 'integer', [1, 2, 3, 4, 5, 6, 7]),
        ]),
    },
    {
      name: 'text to integer, boolean and date',
      params: { column: 'code', to: 'integer' },
      frame: () =>
        makeFrame([
          stringColumn('code', 'categorical', ['3', '3.0', '-12', null, '7']),
          stringColumn('ok', 'categorical', ['yes', 'no', 'TRUE', 'f', null]),
          stringColumn('when', 'text', [
            '2012-01-31',
            '2012/02/29',
            null,
            '2013-12-01T08:30:00Z',
            '1969-07-20',
          ]),
        ]),
    },
    {
      name: 'text to boolean',
      params: { column: 'ok', to: 'boolean' },
      frame: () =>
        makeFrame([stringColumn('ok', 'categorical', ['yes', 'no', 'TRUE', 'f', null, '1'])]),
    },
    {
      name: 'text to date',
      params: { column: 'when', to: 'date' },
      frame: () =>
        makeFrame([
          stringColumn('when', 'text', ['2012-01-31', '2012/02/29', null, '2013-12-01T08:30:00Z']),
        ]),
    },
    {
      name: 'integer codes to categories',
      params: { column: 'grade', to: 'categorical' },
      frame: () =>
        makeFrame([
          numericColumn('grade', 'integer', [1, 2, 2, null, 3, 1]),
          numericColumn('x', 'number', [0.5, 1, 1.5, 2, 2.5, 3]),
        ]),
    },
    {
      name: 'dates and booleans to text, numbers to integers',
      params: { column: 'when', to: 'text' },
      frame: () =>
        makeFrame([
          numericColumn('when', 'date', [Date.UTC(2024, 0, 1), null, Date.UTC(2024, 0, 1, 12, 30)]),
          numericColumn('flag', 'boolean', [1, 0, null]),
        ]),
    },
    {
      name: 'whole numbers stored as numbers to integer',
      params: { column: 'count', to: 'integer' },
      frame: () => makeFrame([numericColumn('count', 'number', [1, 4, null, -2, 0])]),
    },
    {
      name: 'a boolean to a number, a category to text',
      params: { column: 'flag', to: 'number' },
      frame: () =>
        makeFrame([
          numericColumn('flag', 'boolean', [1, 0, null, 1]),
          stringColumn('city', 'categorical', ['Oslo', 'Lima', null, 'Oslo']),
        ]),
    },
  ],
});
