// deploy/predict.mjs: a self-contained JavaScript predictor written into every bundle, so the
// bundle runs without Benchtop (deploy/server.mjs in Node, deploy/embed.html in any page). It
// replays the bundle's fitted transform steps on plain rows by hand (one small function per step
// kind, mirroring src/core/steps/*.ts) and runs the stock tfjs layers model. It cannot import
// src/core (the deployer has only the unzipped bundle and tfjs), and a bundler cannot run when a
// browser writes a bundle, so this replay is hand-written; tests/unit/bundle-deploy.test.ts checks
// it against src/core/inference on real bundles covering every transform step kind (≤ 1e-5).
// When a step kind is added to src/core/steps, add its replay here (an unknown kind is refused
// when the predictor loads, naming the kind, so a stale template fails loudly, never silently).
//
// The text below is plain JavaScript kept in a String.raw template: it must contain no backtick
// and no dollar-brace sequence.

/** The step kinds predict.mjs can replay (the deploy test checks it covers every transform step). */
export const DEPLOY_STEP_KINDS: readonly string[] = [
  'columns.drop',
  'date.parts',
  'encode.onehot',
  'encode.ordinal',
  'impute.constant',
  'impute.constant-category',
  'impute.mean',
  'impute.median',
  'impute.most-frequent',
  'outliers.iqr',
  'outliers.zscore',
  'outliers.isolation-forest',
  'scale.minmax',
  'scale.robust',
  'scale.standard',
  'transform.log',
  'transform.yeo-johnson',
  'type.cast',
];

export const PREDICT_MJS = String.raw`// Benchtop bundle predictor: plain rows in, predictions out, with nothing but tfjs.
// It replays the bundle's fitted preparation steps (manifest.json "steps") on each row, exactly as
// Benchtop does, then runs the stock tfjs layers model in model/. Used by server.mjs (Node) and
// embed.html (a browser page). Nothing here is specific to one bundle.
//
//   import { loadPredictor } from './predict.mjs';
//   const predictor = await loadPredictor(tf, { manifest, modelJson, weightData });
//   const { predictions, warnings } = await predictor.predictRows([{ column: value, ... }]);
//   // classification: [{ label, probabilities: { class: p } }]; regression: [{ value }]
//
// tf: tfjs with a backend ready and loadLayersModel (the @tensorflow/tfjs browser build has both;
// in Node pass { ...tfjsCore, loadLayersModel } from @tensorflow/tfjs-layers).

/** An error in the rows a caller sent (a server answers 400 with its message). */
export class PredictError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PredictError';
  }
}

/** A bundle this predictor cannot use (a server refuses to start with its message). */
export class BundleError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BundleError';
  }
}

const MISSING = new Set(['', 'NA', 'N/A', 'null', 'NULL', '?', 'NaN', 'None']);
const BATCH = 8192;

function isNumericKind(kind) {
  return kind === 'integer' || kind === 'number' || kind === 'boolean' || kind === 'date';
}

// ---- fitted state JSON (Benchtop's state-json.ts tags typed arrays and special numbers) ----

function special(s) {
  if (s === 'NaN') return NaN;
  if (s === 'Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  if (s === '-0') return -0;
  throw new BundleError('A fitted step holds "' + s + '" where a number belongs: the bundle is damaged.');
}

function decodeState(v) {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decodeState);
  if ('$number' in v) return special(v.$number);
  if ('$typed' in v) return Array.from(v.data, (x) => (typeof x === 'number' ? x : special(x)));
  const out = {};
  for (const k of Object.keys(v)) out[k] = decodeState(v[k]);
  return out;
}

// ---- request values -> typed cells ---------------------------------------------------------

function wanted(kind) {
  if (kind === 'boolean') return 'true or false';
  if (kind === 'date') return 'a date (ISO text such as 2024-05-01, or epoch milliseconds)';
  if (kind === 'integer') return 'a whole number';
  if (kind === 'number') return 'a number';
  return 'text';
}

function badValue(column, kind, value, row) {
  const shown = typeof value === 'string' ? '"' + value + '"' : JSON.stringify(value) ?? String(value);
  return new PredictError(
    "Column '" + column + "' should hold " + wanted(kind) + ', but row ' + (row + 1) + ' has ' + shown + '.',
  );
}

function toNumberCell(column, kind, v, row) {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') {
    if (kind === 'integer' && Number.isFinite(v) && !Number.isInteger(v)) throw badValue(column, kind, v, row);
    if (kind === 'boolean' && !Number.isNaN(v) && v !== 0 && v !== 1) throw badValue(column, kind, v, row);
    return v;
  }
  if (typeof v === 'boolean') {
    if (kind === 'date') throw badValue(column, kind, v, row);
    return v ? 1 : 0;
  }
  if (v instanceof Date) {
    if (kind !== 'date') throw badValue(column, kind, v, row);
    return v.getTime();
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (MISSING.has(s)) return NaN;
    if (kind === 'boolean') {
      const l = s.toLowerCase();
      if (l === 'true' || l === '1') return 1;
      if (l === 'false' || l === '0') return 0;
      throw badValue(column, kind, v, row);
    }
    if (kind === 'date') {
      const ms = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : Date.parse(s);
      if (Number.isNaN(ms)) throw badValue(column, kind, v, row);
      return ms;
    }
    const x = Number(s);
    if (Number.isNaN(x) || (kind === 'integer' && Number.isFinite(x) && !Number.isInteger(x)))
      throw badValue(column, kind, v, row);
    return x;
  }
  throw badValue(column, kind, v, row);
}

function toTextCell(column, kind, v, row) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw badValue(column, kind, v, row);
}

// ---- type.cast's parsers (Benchtop's data/recast.ts) ---------------------------------------

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const THOUSANDS_COMMA = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
const ISO_DATE =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseNumber(text) {
  const t = text.trim();
  if (PLAIN_NUMBER.test(t)) return Number(t);
  if (THOUSANDS_COMMA.test(t)) return Number(t.replace(/,/g, ''));
  const lower = t.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return NaN;
}

function parseBoolean(text) {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === 't' || t === 'yes' || t === 'y' || t === '1') return true;
  if (t === 'false' || t === 'f' || t === 'no' || t === 'n' || t === '0') return false;
  return null;
}

function parseDate(text) {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]) - 1;
  const day = Number(m[3]);
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const s = Number(m[6] ?? 0);
  const ms = m[7] ? Math.round(Number('0.' + m[7]) * 1000) : 0;
  let t = Date.UTC(year, month, day, h, mi, s, ms);
  const check = new Date(t);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month || check.getUTCDate() !== day) return NaN;
  if (h > 23 || mi > 59 || s > 60) return NaN;
  const tz = m[8];
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
  }
  return t;
}

function formatDate(ms) {
  const iso = new Date(ms).toISOString();
  if (ms % 86400000 === 0) return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso;
}

function textOf(kind, v) {
  if (kind === 'boolean') return v ? 'true' : 'false';
  if (kind === 'date') return formatDate(v);
  return String(v);
}

function parseAs(text, kind) {
  if (kind === 'boolean') {
    const b = parseBoolean(text);
    return b === null ? NaN : b ? 1 : 0;
  }
  if (kind === 'date') return parseDate(text);
  const x = parseNumber(text);
  if (!Number.isFinite(x)) return NaN;
  return kind === 'integer' && !Number.isInteger(x) ? NaN : x;
}

// ---- the step replays: each takes one row (Map name -> {kind, v}) and the fitted step -------
// Numeric kinds hold a number (NaN = missing), categorical / text a string or null.

function cell(row, name, numeric) {
  const c = row.get(name);
  if (!c || isNumericKind(c.kind) !== numeric) {
    throw new BundleError(
      "The bundle's steps expect a " + (numeric ? 'numeric' : 'text') + " column '" + name + "' that is not there: the bundle is inconsistent.",
    );
  }
  return c;
}

function filledKind(kind, fill) {
  if (kind === 'integer') return Number.isInteger(fill) ? 'integer' : 'number';
  if (kind === 'boolean') return fill === 0 || fill === 1 ? 'boolean' : 'number';
  return kind;
}

function impute(row, step) {
  const fill = step.state.fill;
  const indicators = step.state.indicators;
  step.spec.params.columns.forEach((name, j) => {
    const c = row.get(name);
    if (!c) throw new BundleError("The bundle's impute step expects a column '" + name + "' that is not there.");
    let missing;
    if (isNumericKind(c.kind)) {
      const value = typeof fill[j] === 'number' ? fill[j] : Number(fill[j]);
      missing = c.v !== c.v;
      row.set(name, { kind: filledKind(c.kind, value), v: missing ? value : c.v });
    } else {
      missing = c.v === null;
      row.set(name, { kind: c.kind, v: missing ? String(fill[j]) : c.v });
    }
    if (indicators.includes(name)) row.set(name + '_missing', { kind: 'boolean', v: missing ? 1 : 0 });
  });
}

const EULER_GAMMA = 0.5772156649015329;
function averagePathLength(n) {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

const SPACING_1 = Math.pow(2, -52);
function yeoJohnson(x, lambda) {
  if (x >= 0) return Math.abs(lambda) < SPACING_1 ? Math.log1p(x) : (Math.pow(x + 1, lambda) - 1) / lambda;
  if (x < 0)
    return Math.abs(lambda - 2) > SPACING_1 ? -(Math.pow(-x + 1, 2 - lambda) - 1) / (2 - lambda) : -Math.log1p(-x);
  return NaN;
}

const CUMULATIVE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
/** [year, month, day, day of week (Monday = 0), day of year] of a day number since 1970-01-01. */
function civilFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36524) | 0) - ((doe / 146096) | 0)) / 365) | 0;
  const doyMarch = doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0));
  const mp = ((5 * doyMarch + 2) / 153) | 0;
  const day = doyMarch - (((153 * mp + 2) / 5) | 0) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [year, month, day, (((days + 3) % 7) + 7) % 7, CUMULATIVE[month - 1] + day + (leap && month > 2 ? 1 : 0)];
}
const DATE_PARTS = [
  ['year', 'year'],
  ['month', 'month'],
  ['day', 'day'],
  ['dayOfWeek', 'dayofweek'],
  ['dayOfYear', 'dayofyear'],
];

function outliers(row, step) {
  const p = step.spec.params;
  const low = step.state.low;
  const high = step.state.high;
  p.columns.forEach((name, j) => {
    const c = cell(row, name, true);
    const x = c.v;
    if (p.action === 'flag') {
      row.set(name + '_outlier', { kind: 'boolean', v: x < low[j] || x > high[j] ? 1 : 0 });
      return;
    }
    let lo = low[j];
    let hi = high[j];
    if (c.kind === 'integer' && Math.ceil(lo) <= Math.floor(hi)) {
      lo = Math.ceil(lo);
      hi = Math.floor(hi);
    }
    const kind =
      c.kind === 'integer' && (Number.isInteger(lo) || lo === -Infinity) && (Number.isInteger(hi) || hi === Infinity)
        ? 'integer'
        : 'number';
    row.set(name, { kind, v: x < lo ? lo : x > hi ? hi : x });
  });
}

const REPLAY = {
  'columns.drop'(row, step) {
    for (const name of step.spec.params.columns) row.delete(name);
  },
  'impute.constant': impute,
  'impute.constant-category': impute,
  'impute.mean': impute,
  'impute.median': impute,
  'impute.most-frequent': impute,
  'scale.standard'(row, step) {
    const { center, scale } = step.state;
    step.spec.params.columns.forEach((name, j) => {
      row.set(name, { kind: 'number', v: (cell(row, name, true).v - center[j]) / scale[j] });
    });
  },
  'scale.minmax'(row, step) {
    const { min, max, clip } = step.spec.params;
    step.spec.params.columns.forEach((name, j) => {
      let y = cell(row, name, true).v * step.state.scale[j] + step.state.offset[j];
      if (clip) y = y < min ? min : y > max ? max : y;
      row.set(name, { kind: 'number', v: y });
    });
  },
  'scale.robust'(row, step) {
    const { center, scale } = step.state;
    step.spec.params.columns.forEach((name, j) => {
      row.set(name, { kind: 'number', v: (cell(row, name, true).v - center[j]) / scale[j] });
    });
  },
  'encode.onehot'(row, step) {
    step.spec.params.columns.forEach((name, j) => {
      const v = cell(row, name, false).v;
      const kept = step.state.categories[j];
      const k = v === null ? -1 : kept.indexOf(v);
      row.delete(name);
      kept.forEach((c, i) => row.set(name + '=' + c, { kind: 'boolean', v: i === k ? 1 : 0 }));
      if (step.state.other[j]) row.set(name + '=(other)', { kind: 'boolean', v: v !== null && k < 0 ? 1 : 0 });
    });
  },
  'encode.ordinal'(row, step) {
    step.spec.params.columns.forEach((name, j) => {
      const v = cell(row, name, false).v;
      row.set(name, { kind: 'integer', v: v === null ? NaN : step.state.categories[j].indexOf(v) });
    });
  },
  'date.parts'(row, step) {
    const p = step.spec.params;
    const parts = DATE_PARTS.map((d, i) => [d[0], d[1], i]).filter((d) => p[d[0]]);
    for (const name of p.columns) {
      const c = cell(row, name, true);
      const civil = c.v !== c.v ? null : civilFromDays(Math.floor(c.v / 86400000));
      if (p.dropOriginal) row.delete(name);
      for (const [, suffix, i] of parts) row.set(name + '_' + suffix, { kind: 'integer', v: civil ? civil[i] : NaN });
    }
  },
  'transform.log'(row, step) {
    const { method, invalid } = step.spec.params;
    const min = method === 'log1p' ? -1 : 0;
    for (const name of step.spec.params.columns) {
      const x = cell(row, name, true).v;
      if (invalid === 'error' && x <= min) {
        throw new PredictError(
          "Column '" + name + "' has the value " + x + ', but ' +
            (method === 'log1p' ? 'log(1 + x) needs values above -1' : 'log(x) needs values above 0') +
            ' (the model takes its logarithm).',
        );
      }
      row.set(name, { kind: 'number', v: x <= min ? NaN : method === 'log1p' ? Math.log1p(x) : Math.log(x) });
    }
  },
  'transform.yeo-johnson'(row, step) {
    const { lambdas, center, scale } = step.state;
    step.spec.params.columns.forEach((name, j) => {
      row.set(name, { kind: 'number', v: (yeoJohnson(cell(row, name, true).v, lambdas[j]) - center[j]) / scale[j] });
    });
  },
  'outliers.iqr': outliers,
  'outliers.zscore': outliers,
  'outliers.isolation-forest'(row, step) {
    const { feature, threshold, other, roots, samples } = step.state;
    if (!step.leafValue) {
      // Depth + c(rows in the leaf) per leaf, once per predictor rather than per row and tree.
      step.leafValue = new Float64Array(feature.length);
      for (let t = 0; t < roots.length; t++) {
        const stack = [roots[t], 0];
        while (stack.length > 0) {
          const depth = stack.pop();
          const node = stack.pop();
          if (feature[node] < 0) step.leafValue[node] = depth + averagePathLength(other[node]);
          else stack.push(node + 1, depth + 1, other[node], depth + 1);
        }
      }
    }
    const x = step.spec.params.columns.map((name) => cell(row, name, true).v);
    let total = 0;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      while (feature[node] >= 0) node = x[feature[node]] <= threshold[node] ? node + 1 : other[node];
      total += step.leafValue[node];
    }
    const denominator = roots.length * averagePathLength(samples);
    const score = x.some((v) => v !== v) ? NaN : denominator === 0 ? 1 : Math.pow(2, -total / denominator);
    row.set(step.spec.params.flagColumn, { kind: 'boolean', v: score > 0.5 ? 1 : 0 });
  },
  'type.cast'(row, step) {
    const { column: name, to } = step.spec.params;
    const c = row.get(name);
    if (!c || c.kind === to) return;
    let v;
    if (isNumericKind(c.kind)) {
      if (isNumericKind(to)) {
        const x = c.v;
        const fits = to === 'integer' ? Number.isInteger(x) : to === 'boolean' ? x === 0 || x === 1 : true;
        v = x !== x || fits ? x : NaN;
      } else v = c.v !== c.v ? null : textOf(c.kind, c.v);
    } else if (isNumericKind(to)) {
      v = c.v === null || MISSING.has(c.v.trim()) ? NaN : parseAs(c.v, to);
    } else v = c.v;
    row.set(name, { kind: to, v });
  },
};

// ---- the predictor --------------------------------------------------------------------------

function plural(n, word) {
  return n + ' ' + word + (n === 1 ? '' : 's');
}

function quoted(list) {
  const shown = list.slice(0, 8).map((n) => "'" + n + "'");
  return list.length > 8 ? shown.join(', ') + ' and ' + (list.length - 8) + ' more' : shown.join(', ');
}

/**
 * Loads a bundle's parts: manifest (manifest.json parsed), modelJson (model/model.json parsed),
 * weightData (model/weights.bin as an ArrayBuffer). Refuses a bundle it cannot replay exactly.
 */
export async function loadPredictor(tf, parts, options = {}) {
  const manifest = parts.manifest;
  if (!manifest || manifest.format !== 'benchtop.bundle') throw new BundleError('manifest.json is not a Benchtop bundle manifest.');
  if (manifest.version !== 1) {
    throw new BundleError('This bundle is format ' + manifest.version + '; this predictor reads format 1. Export the bundle again or use a newer Benchtop.');
  }
  const steps = manifest.steps.map((s, i) => {
    if (!Object.prototype.hasOwnProperty.call(REPLAY, s.spec.kind)) {
      throw new BundleError(
        'Step ' + (i + 1) + " of this bundle is '" + s.spec.kind + "', which this predictor does not know. Serve the bundle with 'benchtop serve' (the Benchtop CLI) instead.",
      );
    }
    return { spec: s.spec, state: decodeState(s.state), replay: REPLAY[s.spec.kind] };
  });
  const loadLayersModel = options.loadLayersModel || tf.loadLayersModel;
  const json = parts.modelJson;
  const model = await loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: parts.weightData,
    }),
  );
  const features = manifest.input.features;
  const inShape = model.inputs[0].shape;
  const cols = inShape[inShape.length - 1];
  if (cols !== features.length) {
    model.dispose();
    throw new BundleError("This bundle's model takes " + cols + ' inputs, but its manifest lists ' + features.length + ' features.');
  }
  const outShape = model.outputs[0].shape;
  const units = outShape[outShape.length - 1] || 1;
  const task = manifest.model.task;
  const labels = manifest.target.labels;
  const k = task === 'classification' ? Math.max(2, units) : 1;
  if (task === 'classification' && (!labels || labels.length !== k)) {
    model.dispose();
    throw new BundleError("This bundle's model predicts " + k + ' classes, but its manifest lists ' + (labels ? labels.length : 0) + ' labels.');
  }
  const columns = manifest.input.columns;
  const required = columns.filter((c) => c.role === 'feature').map((c) => c.name);
  const known = new Set(columns.map((c) => c.name));
  const categories = new Map(columns.filter((c) => c.categories).map((c) => [c.name, new Set(c.categories)]));

  async function predictMatrix(X, rows) {
    const out = new Float64Array(rows * k);
    for (let start = 0; start < rows; start += BATCH) {
      const n = Math.min(BATCH, rows - start);
      const y = tf.tidy(() => model.predict(tf.tensor2d(X.subarray(start * cols, (start + n) * cols), [n, cols]), { batchSize: n }));
      const v = await y.data();
      y.dispose();
      if (task === 'classification' && units === 1) {
        for (let i = 0; i < n; i++) {
          out[(start + i) * 2] = 1 - v[i];
          out[(start + i) * 2 + 1] = v[i];
        }
      } else out.set(v, start * k);
    }
    return out;
  }

  return {
    manifest,
    task,
    labels: labels ? labels.slice() : null,
    /** The columns a row must carry (null marks a missing value). */
    requiredColumns: required,

    async predictRows(rows) {
      if (!Array.isArray(rows)) throw new PredictError('Predictions need a list of rows (objects of column: value).');
      const extra = new Set();
      const unknown = new Map();
      const X = new Float32Array(rows.length * cols);
      rows.forEach((input, i) => {
        if (typeof input !== 'object' || input === null || Array.isArray(input))
          throw new PredictError('Row ' + (i + 1) + ' is not an object of column: value pairs.');
        for (const key of Object.keys(input)) if (!known.has(key)) extra.add(key);
        const absent = required.filter((name) => !(name in input));
        if (absent.length > 0) {
          throw new PredictError(
            (rows.length === 1 ? 'The row' : 'Row ' + (i + 1)) + ' ' +
              (absent.length === 1 ? 'has no column' : 'lacks ' + plural(absent.length, 'column')) + ' ' + quoted(absent) +
              ', which the model needs. Add ' + (absent.length === 1 ? 'it' : 'them') + ' (null or an empty value marks a value as unknown).',
          );
        }
      });
      rows.forEach((input, i) => {
        const row = new Map();
        for (const c of columns) {
          if (isNumericKind(c.kind)) row.set(c.name, { kind: c.kind, v: toNumberCell(c.name, c.kind, input[c.name], i) });
          else {
            const v = toTextCell(c.name, c.kind, input[c.name], i);
            const seen = categories.get(c.name);
            if (v !== null && seen && c.role === 'feature' && !seen.has(v)) {
              if (!unknown.has(c.name)) unknown.set(c.name, new Set());
              unknown.get(c.name).add(v);
            }
            row.set(c.name, { kind: c.kind, v });
          }
        }
        for (const step of steps) step.replay(row, step);
        features.forEach((name, j) => {
          const c = row.get(name);
          if (!c || !isNumericKind(c.kind)) {
            throw new BundleError("After the bundle's steps, the feature '" + name + "' is " + (c ? 'not numeric' : 'missing') + ': the bundle is inconsistent.');
          }
          if (!Number.isFinite(c.v)) {
            throw new PredictError(
              'Row ' + (i + 1) + " has no usable value for '" + name + "' once prepared (" + (c.v !== c.v ? 'missing' : 'infinite') +
                "), and the model's steps do not fill it in: give it a value.",
            );
          }
          X[i * cols + j] = c.v;
        });
      });
      const warnings = [];
      if (extra.size > 0) warnings.push('ignored columns the model does not use: ' + quoted([...extra]));
      for (const [name, values] of unknown) {
        warnings.push("column '" + name + "' has values never seen in training: " + quoted([...values]));
      }
      const out = rows.length === 0 ? new Float64Array(0) : await predictMatrix(X, rows.length);
      const predictions = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        if (task !== 'classification') {
          predictions[i] = { value: out[i] };
          continue;
        }
        const probabilities = {};
        let best = 0;
        for (let c = 0; c < k; c++) {
          probabilities[labels[c]] = out[i * k + c];
          if (out[i * k + c] > out[i * k + best]) best = c;
        }
        predictions[i] = { label: labels[best], probabilities };
      }
      return { predictions, warnings };
    },

    dispose() {
      model.dispose();
    },
  };
}
`;
