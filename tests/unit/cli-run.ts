// `benchtop` as users run it, for the CLI tests: the real process (node bin/benchtop.mjs) or the
// same main() in-process, with its exit code, stdout and stderr; a fresh temporary folder per
// test; and stdout read as the one JSON object --json prints, with nothing on stderr and exit 0.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command prefix... args...` (default: node bin/benchtop.mjs) to its end. */
export function runCli(
  args: string[],
  command = process.execPath,
  prefix = ['bin/benchtop.mjs'],
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(command, [...prefix, ...args], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `benchtop args...` through main() in this process (what the bin runs), output captured. */
export async function mainCli(...args: string[]): Promise<CliRun> {
  // Imported here: the tests that only spawn the bin need not load every command's code.
  const { main } = await import('../../src/cli/main');
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

/** A new empty folder under the system's temporary directory (benchtop-<name>-XXXXXX). */
export const tempDir = (name: string): string => mkdtempSync(join(tmpdir(), `benchtop-${name}-`));

/** A successful run's stdout as the one JSON object --json prints (exit 0, stderr empty). */
export function cliJson<T>(r: CliRun): T {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(r.stdout) as T;
}
