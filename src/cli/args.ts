// What every `benchtop` command does with its command line: node:util parseArgs with its errors
// turned into usage errors a person can read, the flags every command that reads a data file
// takes (--delimiter, --encoding, --missing; plus --json and --help) and those reading flags
// turned into the reader's options, where a wrong word is a usage mistake (exit 2), not a failure;
// and Benchtop's version (--version, and the version a bundle records it was trained with).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readingOptions, type ReadingOptionsText } from '../core/ingest/reading-options';

/** parseArgs' option declarations. */
export type OptionSpecs = Parameters<typeof parseArgs>[0] extends infer T
  ? T extends { options?: infer O }
    ? NonNullable<O>
    : never
  : never;

/** How the caller's usage mistakes are thrown (main.ts: UsageError; the commands' own files: PrepareUsageError). */
export type UsageErrorOf = (message: string) => Error;

/** The CSV reading flags of the commands that read a data file (help texts in each usage). */
export const READING_FLAGS = {
  delimiter: { type: 'string' },
  encoding: { type: 'string' },
  missing: { type: 'string' },
} as const;

/** --json and -h / --help, which every command that prints a result takes. */
export const JSON_HELP_FLAGS = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** node:util parseArgs (positionals allowed, unknown options refused) with readable errors. */
export function parseCommandLine<O extends OptionSpecs>(
  args: string[],
  options: O,
  usageError: UsageErrorOf,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const unknown = /Unknown option '([^']+)'/.exec(message);
    throw usageError(
      // Keep node's hint on values that start with a dash ("use '--missing=-XYZ'").
      unknown ? `unknown option ${unknown[1]}` : message.replace(/\s*\n\s*/g, ' '),
    );
  }
}

/** The reader's options from --delimiter / --encoding / --missing; an unknown word is a usage error. */
export function readingFlags(text: ReadingOptionsText, usageError: UsageErrorOf) {
  try {
    return readingOptions(text);
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err));
  }
}

/** A flag's whole number in [min, max] (digits only: no sign, point or exponent), else a usage error. */
export function wholeNumberFlag(
  flag: string,
  text: string,
  min: number,
  max: number,
  usageError: UsageErrorOf,
): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw usageError(`${flag} must be a whole number from ${min} to ${max} (got '${text}').`);
  }
  return n;
}

/** package.json's version ('unknown' if it cannot be read); src/cli/ locates it relative to itself. */
export function benchtopVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
