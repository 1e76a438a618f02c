// Delimiter sniffing: among `,` `;` tab `|`, the one that splits the first rows (quote-aware, with
// the real tokenizer) into the same number (> 1) of fields as the header most consistently. When no
// candidate gives more than one field the file has one column; if its lines look split by some
// other character (`:`, `~`, `^`, spaces...) we say so, since that usually means a wrong delimiter.
import { Tokenizer } from './tokenize';

/**
 * Candidates; on a tie (same consistency, same field count) the earlier wins: characters that
 * rarely occur inside text values come first, so a TSV with one comma per line stays a TSV.
 */
export const DELIMITERS = ['\t', '|', ';', ','] as const;
/** How much text the sniffer looks at. */
export const SNIFF_CHARS = 1 << 16;
const SNIFF_ROWS = 100;

export interface Sniffed {
  delimiter: string;
  /** Fields in the header with that delimiter. */
  fields: number;
  /** Share of the sampled rows with the header's field count. */
  consistency: number;
  /** Set when the file reads as one column but looks split by another character. */
  unusual?: string;
}

/** Field counts of the first rows of `text` with `delimiter` (header first). */
export function fieldCounts(text: string, delimiter: string, final: boolean): number[] {
  const counts: number[] = [];
  const tok = new Tokenizer(delimiter, (_t, nf) => {
    if (counts.length < SNIFF_ROWS) counts.push(nf);
  });
  try {
    tok.push(text);
    if (final) tok.finish();
  } catch {
    // An unclosed quote in the sample: judge on the rows read so far.
  }
  return counts;
}

export function sniffDelimiter(text: string, final: boolean): Sniffed {
  let best: Sniffed | null = null;
  for (const d of DELIMITERS) {
    const counts = fieldCounts(text, d, final);
    if (counts.length === 0 || counts[0] < 2) continue;
    const header = counts[0];
    const same = counts.filter((c) => c === header).length;
    const s: Sniffed = { delimiter: d, fields: header, consistency: same / counts.length };
    if (
      !best ||
      s.consistency > best.consistency + 1e-9 ||
      (Math.abs(s.consistency - best.consistency) <= 1e-9 && s.fields > best.fields)
    ) {
      best = s;
    }
  }
  if (best) return best;
  return { delimiter: ',', fields: 1, consistency: 1, unusual: unusualSeparator(text) };
}

const OTHER_SEPARATORS: readonly [string, RegExp][] = [
  [':', /:/g],
  ['~', /~/g],
  ['^', /\^/g],
  ['#', /#/g],
  ['!', /!/g],
  ['spaces', / +/g],
];

/** A character that splits every one of the first lines into the same number (> 1) of parts. */
function unusualSeparator(text: string): string | undefined {
  const lines = text
    .split(/\r\n|\n|\r/)
    .slice(0, 20)
    .filter((l) => l.trim() !== '');
  if (lines.length === 0) return undefined;
  for (const [name, re] of OTHER_SEPARATORS) {
    const counts = lines.map((l) => (l.trim().match(re) ?? []).length);
    if (counts[0] > 0 && counts.every((c) => c === counts[0])) return name;
  }
  return undefined;
}
