// Progress across a worker boundary: at most one message per interval, every phase change, and
// the last figure of a phase, so a fast reader cannot flood the main thread and no bar stops
// short of 100%. Used by the worker entry points; pure (timers exist everywhere core runs).
import type { IngestProgress } from '../ingest/types';

/** At most one progress message per this many ms, so a fast reader cannot flood the main thread. */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * Forwards progress at most every PROGRESS_INTERVAL_MS, always when the phase changes (so the UI
 * sees every phase), and once more after a quiet interval (so the last figure of a phase is not
 * lost). Failures of the callback (page gone) must not fail the import.
 */
export function throttleProgress(
  onProgress: (p: IngestProgress) => unknown,
): (p: IngestProgress) => void {
  let last = -Infinity;
  let lastPhase: IngestProgress['phase'] | undefined;
  let pending: IngestProgress | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = (p: IngestProgress) => {
    last = performance.now();
    lastPhase = p.phase;
    pending = undefined;
    void Promise.resolve()
      .then(() => onProgress(p))
      .catch(() => undefined);
  };
  return (p) => {
    const wait = PROGRESS_INTERVAL_MS - (performance.now() - last);
    if (p.phase !== lastPhase || wait <= 0) {
      clearTimeout(timer);
      timer = undefined;
      // The held-back last figure of the previous phase goes first (its bar reaches 100%).
      if (pending && pending.phase !== p.phase) send(pending);
      send(p);
      return;
    }
    pending = p;
    timer ??= setTimeout(() => {
      timer = undefined;
      if (pending) send(pending);
    }, wait);
  };
}
