// `benchtop cv --jobs N` (and the CV inside `benchtop train`): the folds of a cross-validation on
// this thread and N - 1 Node worker threads. The pool is started early (while the data file is
// read); each worker runs ./fold-worker.ts (bundled by ./worker-bundle.ts, so it starts fast) and
// starts tfjs once. `runner()` is crossValidate's runFolds hook: it shares the frame's columns once
// (./fold-protocol.ts) and sends each worker the plan as plain data; every thread (this one
// included) then takes the next fold from a shared schedule as it comes free, and the outcomes
// are returned in fold order. Results equal the in-process path's (each fold is core's runFold
// with the fold's own seed, wherever it runs). Errors come back as the BenchtopError the fold
// threw; when several folds fail, the lowest one's is reported once every fold below it has
// finished, as in process. Cancelling (the caller's isCancelled) terminates the workers. The
// browser keeps running its folds in its train worker.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BenchtopError, cancelled, toBenchtopError } from '../core/errors';
import {
  foldContext,
  runFold,
  type FoldHooks,
  type FoldOutcome,
  type FoldRunner,
  type FoldRunPlan,
  type FoldStages,
} from '../core/evaluate/cross-validate';
import type { ModelSpec } from '../core/models';
import type { SamplerSpec } from '../core/resample';
import {
  makeSchedule,
  shareFrame,
  stopFrom,
  takeFold,
  type FromWorker,
  type ToWorker,
  type WorkerStart,
} from './fold-protocol';
import { bundledWorker } from './worker-bundle';

const ENTRY = new URL('./fold-worker.ts', import.meta.url);

/** Builds (or finds) the bundled worker ahead of time: `npm run bench` does, as it starts tfjs. */
export async function prepareFoldWorker(): Promise<boolean> {
  return (await bundledWorker(ENTRY)) !== null;
}

/** tsx's ESM loader API (the CLI's bin registers it too): a worker registers it before the .ts entry. */
function tsxLoader(): string {
  // The package resolves to its CommonJS build under require(); the ESM build sits beside it.
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return new URL('index.mjs', pathToFileURL(cjs)).href;
}

/**
 * A worker thread running ./fold-worker.ts: the bundle when there is one, else the TypeScript
 * through tsx. Node 20's worker execArgv cannot carry `--import tsx` to the entry (the .ts is
 * refused before the loader is in place), so a one-line bootstrap registers tsx in the worker
 * first and then imports the entry.
 */
function startWorker(bundle: URL | null, start: WorkerStart): Worker {
  if (bundle) return new Worker(bundle, { workerData: start });
  const code = `import(${JSON.stringify(tsxLoader())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY.href)}); });`;
  return new Worker(code, { eval: true, workerData: start });
}

interface PoolWorker {
  worker: Worker;
  exited: boolean;
  /** Why it cannot work (failed to start, crashed, exited), once it cannot. */
  broken: string | null;
}

type Listener = (w: PoolWorker, m: FromWorker) => void;

/** The model and sampler specs the workers build their trainer and sampler from. */
export interface StageSpecs {
  model: ModelSpec;
  sampler: SamplerSpec | null;
}

function brokenError(why: string): BenchtopError {
  return new BenchtopError(
    'internal',
    `A fold worker stopped: ${why}. Run with --jobs 1 to cross-validate in this process.`,
  );
}

export class FoldPool {
  private workers: PoolWorker[] = [];
  private readonly started: Promise<void>;
  private listener: Listener | null = null;
  private onBroken: ((w: PoolWorker) => void) | null = null;
  private closed = false;

  /**
   * Starts `size` workers on the tfjs `backend` (they boot while the caller reads its data).
   * `bundled: false` runs the TypeScript through tsx, as when esbuild is missing (tests use it).
   */
  constructor(size: number, backend: string, options: { bundled?: boolean } = {}) {
    const bundle = options.bundled === false ? Promise.resolve(null) : bundledWorker(ENTRY);
    this.started = bundle.then((b) => {
      if (!this.closed) this.start(b, size, backend);
    });
  }

  private start(bundle: URL | null, size: number, backend: string): void {
    this.workers = Array.from({ length: size }, () => {
      const w: PoolWorker = {
        worker: startWorker(bundle, { backend }),
        exited: false,
        broken: null,
      };
      const breaks = (why: string): void => {
        if (w.broken !== null || this.closed) return;
        w.broken = why;
        this.onBroken?.(w);
      };
      w.worker.on('message', (m: FromWorker) => {
        if (m.type === 'failed') breaks(`it could not start tfjs (${m.message})`);
        else this.listener?.(w, m);
      });
      w.worker.on('error', (err) => breaks(err.message));
      w.worker.on('exit', (code) => {
        w.exited = true;
        breaks(`it exited (code ${code})`);
      });
      return w;
    });
  }

  /**
   * crossValidate's runFolds hook for this model and sampler. With `local` (the same model and
   * sampler as in-process stages) this thread runs folds too: `--jobs N` is this thread and
   * N - 1 workers.
   */
  runner(specs: StageSpecs, local?: FoldStages): FoldRunner {
    return async (plan, hooks) => {
      await this.started;
      return this.run(specs, local, plan, hooks);
    };
  }

  private run(
    specs: StageSpecs,
    local: FoldStages | undefined,
    plan: FoldRunPlan,
    hooks: FoldHooks,
  ): Promise<FoldOutcome[]> {
    return new Promise<FoldOutcome[]>((resolve, reject) => {
      const total = plan.folds.length;
      const use = this.workers.slice(0, Math.min(this.workers.length, total - (local ? 1 : 0)));
      const schedule = makeSchedule(total);
      const outcomes: FoldOutcome[] = new Array<FoldOutcome>(total);
      const failures = new Map<number, BenchtopError>();
      let done = 0;
      let settled = false;
      let timer: ReturnType<typeof setInterval> | undefined = undefined;
      const finish = (err: BenchtopError | null): void => {
        if (settled) return;
        settled = true;
        clearInterval(timer);
        this.listener = null;
        this.onBroken = null;
        if (err) {
          stopFrom(schedule, 0);
          // Whatever is still running is of no use: stop it now.
          void this.close();
          reject(err);
        } else {
          resolve(outcomes);
        }
      };
      const check = (): void => {
        if (settled) return;
        if (hooks.isCancelled?.()) return finish(cancelled('The cross-validation'));
        if (failures.size > 0) {
          // As in process: the lowest failing fold's error, once every fold below it has ended
          // (each was taken before it failed: the schedule only moves forward).
          const first = Math.min(...failures.keys());
          for (let f = 0; f < first; f++) if (!outcomes[f] && !failures.has(f)) return;
          finish(failures.get(first)!);
        } else if (done === total) {
          finish(null);
        }
      };
      this.listener = (_w, m) => {
        if (settled) return;
        if (m.type === 'progress') hooks.onProgress?.(m.progress);
        else if (m.type === 'epoch') hooks.onEpoch?.(m.fold, m.report);
        else if (m.type === 'done') {
          outcomes[m.f] = m.outcome;
          done++;
        } else if (m.type === 'error') {
          failures.set(m.f, new BenchtopError(m.error.code, m.error.message, m.error.details));
        }
        check();
      };
      this.onBroken = (w) => finish(brokenError(w.broken!));
      const broken = use.find((w) => w.broken !== null);
      if (broken) return finish(brokenError(broken.broken!));
      if (this.closed) return finish(brokenError('the pool was closed'));
      // Workers this run has no fold for are let go now.
      for (const w of this.workers.slice(use.length)) {
        w.broken = 'not needed';
        void w.worker.terminate();
      }
      const frame = shareFrame(plan.frame);
      for (const w of use) {
        w.worker.postMessage({
          type: 'plan',
          frame,
          recipe: plan.recipe,
          target: plan.target,
          folds: plan.folds,
          mapping: plan.mapping,
          exclude: plan.exclude,
          model: specs.model,
          sampler: specs.sampler,
          epochs: hooks.onEpoch !== undefined,
          schedule,
        } satisfies ToWorker);
      }
      // A cancel (a caller's flag) lands here even while every worker is busy.
      timer = setInterval(check, 50);
      if (!local) return;
      // This thread's share: it takes folds from the same schedule as the workers.
      const ctx = foldContext(plan);
      void (async () => {
        for (let f = takeFold(schedule); f !== null && !settled; f = takeFold(schedule)) {
          try {
            outcomes[f] = await runFold(ctx, f, local, hooks);
            done++;
          } catch (err) {
            const e = toBenchtopError(err, `Fold ${f + 1}`);
            if (e.code === 'cancelled') return finish(e);
            stopFrom(schedule, f);
            failures.set(f, e);
          }
          // Let the workers' messages in (they wait while a fold runs here).
          await new Promise((r) => setImmediate(r));
          check();
        }
        check();
      })();
    });
  }

  /** Worker threads not yet exited (after close(), none). */
  get liveWorkers(): number {
    return this.workers.filter((w) => !w.exited).length;
  }

  /** Terminates every worker; the process can then exit. */
  async close(): Promise<void> {
    this.closed = true;
    await this.started;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
