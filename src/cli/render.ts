// Plain-text rendering of a profile for a terminal: an aligned table of the columns, then the
// warnings and the reader's notes. Numbers are shortened for reading; --json keeps them exact.
import type { ColumnProfile, ProfileWarning } from '../core/data/profile-types';
import { formatDate } from '../core/data/recast';
import type { FileFormat } from '../core/ingest/types';

/** What `benchtop profile` prints (as JSON with --json). */
export interface ProfileOutput {
  file: string;
  format: FileFormat;
  rows: number;
  cols: number;
  columns: ColumnProfile[];
  warnings: ProfileWarning[];
  notes: string[];
}

const DAY = 86_400_000;

/** Short, readable numbers: whole numbers as they are, others to 6 significant digits. */
export function formatNumber(x: number | null): string {
  if (x === null) return '';
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-4)) return x.toExponential(3);
  return String(Number(x.toPrecision(6)));
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function statCells(c: ColumnProfile): [string, string, string, string] {
  if (c.kind === 'categorical' || c.kind === 'text') return ['', '', '', ''];
  if (c.kind === 'date') {
    const d = (x: number | null) => (x === null ? '' : formatDate(Math.round(x)));
    return [
      d(c.min),
      d(c.max),
      d(c.mean),
      c.std === null ? '' : `${formatNumber(c.std / DAY)} days`,
    ];
  }
  return [formatNumber(c.min), formatNumber(c.max), formatNumber(c.mean), formatNumber(c.std)];
}

function missingCell(c: ColumnProfile, rows: number): string {
  if (c.missing === 0 || rows === 0) return String(c.missing);
  const pct = (100 * c.missing) / rows;
  return `${c.missing} (${pct < 0.1 ? '<0.1' : pct.toFixed(1)}%)`;
}

function topCell(c: ColumnProfile): string {
  const top = c.top[0];
  return top ? `${clip(top.value, 24)} (${top.count})` : '';
}

/** The profile as an aligned text table plus warnings and notes. */
export function renderProfile(out: ProfileOutput): string {
  const header = ['column', 'kind', 'missing', 'unique', 'min', 'max', 'mean', 'std', 'top'];
  const rows = out.columns.map((c) => [
    clip(c.name, 32),
    c.kind,
    missingCell(c, out.rows),
    String(c.unique),
    ...statCells(c),
    topCell(c),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Text columns align left, numbers right.
  const left = new Set([0, 1, 8]);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (left.has(i) ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const lines = [
    `${out.file}: ${out.rows} rows × ${out.cols} columns (${out.format})`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  if (out.warnings.length > 0) {
    lines.push('', 'Warnings:', ...out.warnings.map((w) => `  - ${w.message}`));
  }
  if (out.notes.length > 0) {
    lines.push('', 'Notes:', ...out.notes.map((n) => `  - ${n}`));
  }
  return `${lines.join('\n')}\n`;
}
