// Stratified k-fold (and its repeated form), as scikit-learn's StratifiedKFold: classes are
// numbered by first appearance, the per-fold class counts come from dealing the class-sorted rows
// round-robin over the folds (so every fold's count of a class is within one row of every other's),
// and each class's rows take their fold numbers in row order. Without shuffle this reproduces
// sklearn's folds exactly; with shuffle each class's fold numbers are permuted by our seeded RNG
// (sklearn's class counts per fold, our own rows). Rows with a missing target (-1) form one more
// stratum, so they too are spread evenly (the training fold's filters drop them; scoring skips them).
import { BenchtopError } from '../errors';
import { checkFoldCount } from './kfold';
import { foldsFromAssignment, shuffleInPlace } from './keys';
import type { Fold } from './types';

function className(names: readonly string[] | undefined, c: number): string {
  return names?.[c] ?? `class ${c}`;
}

/** Class codes are small (0..k-1, -1 = missing): tables indexed by code + 1 instead of Maps. */
const TABLE_MAX = 1 << 16;

function codeRange(y: Int32Array): { min: number; max: number } {
  let min = 0;
  let max = -1;
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (c < min) min = c;
    if (c > max) max = c;
  }
  return { min, max };
}

/** Rows per class (missing targets, -1, not counted), in order of first appearance. */
function classCounts(y: Int32Array): Map<number, number> {
  const { min, max } = codeRange(y);
  const counts = new Map<number, number>();
  if (min < -1 || max >= TABLE_MAX) {
    for (const c of y) if (c >= 0) counts.set(c, (counts.get(c) ?? 0) + 1);
    return counts;
  }
  const perCode = new Int32Array(max + 1);
  for (let i = 0; i < y.length; i++) if (y[i] >= 0) perCode[y[i]]++;
  // Keys in order of first appearance, as the Map per row had them (ties among small classes are
  // reported in that order). Stops once every class present has been met.
  let present = 0;
  for (let c = 0; c <= max; c++) if (perCode[c] > 0) present++;
  for (let i = 0; i < y.length && counts.size < present; i++) {
    const c = y[i];
    if (c >= 0 && !counts.has(c)) counts.set(c, perCode[c]);
  }
  return counts;
}

/** Each row's stratum: its class (or "missing") numbered by first appearance. */
function strataByFirstAppearance(y: Int32Array): { encoded: Int32Array; m: number } {
  const encoded = new Int32Array(y.length);
  const { min, max } = codeRange(y);
  if (min < -1 || max >= TABLE_MAX) {
    const strata = new Map<number, number>();
    for (let i = 0; i < y.length; i++) {
      let s = strata.get(y[i]);
      if (s === undefined) {
        s = strata.size;
        strata.set(y[i], s);
      }
      encoded[i] = s;
    }
    return { encoded, m: strata.size };
  }
  const stratumOf = new Int32Array(max + 2).fill(-1); // index: code + 1
  let m = 0;
  for (let i = 0; i < y.length; i++) {
    const key = y[i] + 1;
    let s = stratumOf[key];
    if (s < 0) {
      s = m++;
      stratumOf[key] = s;
    }
    encoded[i] = s;
  }
  return { encoded, m };
}

/** Refuses a class with fewer rows than folds: some folds would test on none of it. */
export function checkClassSizes(
  y: Int32Array,
  folds: number,
  names: readonly string[] | undefined,
  minimum = folds,
  why = `fewer than the ${folds} folds`,
): void {
  const counts = classCounts(y);
  if (counts.size < 2) {
    const only = [...counts.keys()][0];
    throw new BenchtopError(
      'invalid-argument',
      counts.size === 0
        ? 'The target has no values, so there is nothing to stratify or learn.'
        : `The target has one class only ('${className(names, only)}'): a classifier needs at least two. Choose another target.`,
      { classes: counts.size },
    );
  }
  const small = [...counts.entries()].filter(([, n]) => n < minimum).sort((a, b) => a[1] - b[1]);
  if (small.length > 0) {
    const [c, n] = small[0];
    const fix =
      minimum === folds && n >= 2
        ? `use ${n} folds or merge the class`
        : 'merge the class with another or remove its rows';
    throw new BenchtopError(
      'invalid-argument',
      `Class '${className(names, c)}' has ${n} row${n === 1 ? '' : 's'}, ${why}: ${fix}.`,
      { class: className(names, c), rows: n, folds },
    );
  }
}

/** Test-fold number per row (sklearn's _make_test_folds). */
export function stratifiedAssignment(
  y: Int32Array,
  folds: number,
  shuffle: boolean,
  rng: () => number,
): Int32Array {
  // Strata numbered by first appearance (missing target = one more stratum, code -1).
  const { encoded, m } = strataByFirstAppearance(y);
  const counts = new Int32Array(m);
  for (const s of encoded) counts[s]++;
  // allocation[f][s] = how many of positions f, f+k, f+2k... of the stratum-sorted rows fall in s.
  const assignments: Int32Array[] = [];
  let start = 0;
  for (let s = 0; s < m; s++) {
    const foldsForStratum = new Int32Array(counts[s]);
    let at = 0;
    for (let f = 0; f < folds; f++) {
      // positions p in [start, start + counts[s]) with p % folds === f
      const first = start + ((f - (start % folds) + folds) % folds);
      const n =
        first >= start + counts[s] ? 0 : Math.floor((start + counts[s] - 1 - first) / folds) + 1;
      for (let j = 0; j < n; j++) foldsForStratum[at++] = f;
    }
    if (shuffle) shuffleInPlace(foldsForStratum, rng);
    assignments.push(foldsForStratum);
    start += counts[s];
  }
  const next = new Int32Array(m);
  const assign = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const s = encoded[i];
    assign[i] = assignments[s][next[s]++];
  }
  return assign;
}

export function stratifiedKfold(
  y: Int32Array,
  folds: number,
  shuffle: boolean,
  rng: () => number,
  names?: readonly string[],
): Fold[] {
  checkFoldCount(folds, y.length);
  checkClassSizes(y, folds, names);
  return foldsFromAssignment(stratifiedAssignment(y, folds, shuffle, rng), folds);
}

/** RepeatedStratifiedKFold: `repeats` shuffled stratified k-folds, one RNG stream across them. */
export function repeatedStratifiedKfold(
  y: Int32Array,
  folds: number,
  repeats: number,
  rng: () => number,
  names?: readonly string[],
): Fold[] {
  checkFoldCount(folds, y.length);
  checkClassSizes(y, folds, names);
  const out: Fold[] = [];
  for (let r = 0; r < repeats; r++) {
    out.push(...foldsFromAssignment(stratifiedAssignment(y, folds, true, rng), folds, r));
  }
  return out;
}
