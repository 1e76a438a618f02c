// Helpers the splitters share: seeded shuffling, ranking key columns the way numpy's np.unique
// orders them, and turning a per-row fold assignment into folds.
import type { Fold, KeyColumn } from './types';

/** Fisher-Yates shuffle in place with a seeded rng (src/core/rng.ts). */
export function shuffleInPlace(a: Int32Array, rng: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

export function range(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

export interface Ranked {
  /** Rank of each row's key among the distinct keys (-1 = missing). */
  rank: Int32Array;
  /** The distinct keys, in rank order, as text for messages. */
  labels: string[];
  missing: number;
}

/** Ranks keys in np.unique order: numbers ascending, text by code unit; missing keys get -1. */
export function rankKeys(key: KeyColumn): Ranked {
  if (key instanceof Float64Array) {
    const distinct = [...new Set(Array.from(key).filter((v) => !Number.isNaN(v)))].sort(
      (a, b) => a - b,
    );
    const of = new Map(distinct.map((v, i) => [v, i]));
    const rank = new Int32Array(key.length);
    let missing = 0;
    for (let i = 0; i < key.length; i++) {
      if (Number.isNaN(key[i])) {
        rank[i] = -1;
        missing++;
      } else rank[i] = of.get(key[i])!;
    }
    return { rank, labels: distinct.map(String), missing };
  }
  const used = new Uint8Array(key.categories.length);
  for (const c of key.codes) if (c >= 0) used[c] = 1;
  const codes = [...used.keys()].filter((c) => used[c]);
  codes.sort((a, b) =>
    key.categories[a] < key.categories[b] ? -1 : key.categories[a] > key.categories[b] ? 1 : 0,
  );
  const codeRank = new Int32Array(key.categories.length).fill(-1);
  codes.forEach((c, i) => (codeRank[c] = i));
  const rank = new Int32Array(key.codes.length);
  let missing = 0;
  for (let i = 0; i < key.codes.length; i++) {
    const c = key.codes[i];
    rank[i] = c < 0 ? -1 : codeRank[c];
    if (c < 0) missing++;
  }
  return { rank, labels: codes.map((c) => key.categories[c]), missing };
}

/**
 * Folds from a per-row test-fold number (-1 = in no fold): fold f tests the rows assigned to f and
 * trains on every other assigned row, both in row order. One pass per fold with no branch on the
 * (random) fold numbers: every row is written to both lists and only the right list's end moves on,
 * into two scratch arrays one longer than any list, copied out at their exact length (~2x faster
 * than testing each row's fold, which mispredicts on shuffled folds).
 */
export function foldsFromAssignment(assign: Int32Array, k: number, repeat = 0): Fold[] {
  const n = assign.length;
  const testRows = new Int32Array(n + 1);
  const trainRows = new Int32Array(n + 1);
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    let t = 0;
    let r = 0;
    for (let i = 0; i < n; i++) {
      const a = assign[i];
      const inTest = +(a === f);
      testRows[t] = i;
      trainRows[r] = i;
      t += inTest;
      r += +(a >= 0) & (inTest ^ 1);
    }
    folds.push({ train: trainRows.slice(0, r), test: testRows.slice(0, t), index: f, repeat });
  }
  return folds;
}
