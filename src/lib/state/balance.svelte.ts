// The Class balance section's state for one dataset: the target's class counts, the sampler the
// recipe carries (read from and written to the recipe editor's state, so it is saved and exported
// with the recipe), the sampler's settings check, and the preview the data worker computes for it
// (balance before / after, class weights, the 2-D view). Components read the $state.raw fields
// and call the methods; the Balance panel's effect calls sync() whenever what a preview depends
// on changes. All counting, fitting, resampling and projecting runs in the data worker; a slow
// preview offers Cancel, which also stops the sampler mid-way through a shared flag when the page
// is cross-origin isolated.
import type {
  BalanceProgress,
  SamplerPreview,
  ScatterView,
  TargetBalance,
} from '../../core/api/balance-api';
import type { JsonObject, JsonValue } from '../../core/steps/types';
import {
  readFormValue,
  samplerCatalog,
  samplerParams,
  samplerProblems,
  type SamplerInfo,
} from '../components/Balance/sampler-form';
import { previewKey } from '../components/Prepare/recipe-edit';
import { toUiError, type UiError } from '../error-message';
import type { DatasetsState } from './datasets.svelte';
import type { RecipeState } from './recipe.svelte';

/** Wait this long after the last edit before asking the worker for a preview. */
const PREVIEW_DEBOUNCE_MS = 250;
/** A preview that runs longer than this shows its progress and a Cancel button. */
const SLOW_PREVIEW_MS = 1000;

export interface BalanceRun {
  jobId: string;
  key: string;
  /** True once it has run for more than a second: the UI shows progress and Cancel. */
  slow: boolean;
  /** What the worker said it is doing, and how far the sampler is (0 to 1) when known. */
  text: string;
  fraction: number | null;
  cancelling: boolean;
}

function newJobId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `balance-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function progressText(p: BalanceProgress): string {
  switch (p.phase) {
    case 'loading':
      return 'Reading the dataset…';
    case 'fitting':
      return p.done !== undefined && p.total !== undefined && p.done < p.total
        ? `Preparing: fitting step ${p.done + 1} of ${p.total}…`
        : 'Preparing the rows…';
    case 'resampling':
      return p.detail ? `Resampling: ${p.detail}…` : 'Resampling…';
    case 'projecting':
      return 'Drawing the 2-D view…';
  }
}

/** A flag the worker can read while its loops run (shared memory needs cross-origin isolation). */
function sharedFlag(): Int32Array | undefined {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return isolated && typeof SharedArrayBuffer !== 'undefined'
    ? new Int32Array(new SharedArrayBuffer(4))
    : undefined;
}

export class BalanceState {
  readonly rs: RecipeState;
  /** Every sampler, for the picker and the settings form. */
  readonly catalog: SamplerInfo[] = samplerCatalog();
  counts = $state.raw<{ key: string; balance: TargetBalance } | null>(null);
  countsError = $state.raw<{ key: string; error: UiError } | null>(null);
  preview = $state.raw<{ key: string; result: SamplerPreview } | null>(null);
  previewError = $state.raw<{ key: string; error: UiError } | null>(null);
  running = $state.raw<BalanceRun | null>(null);
  /** An edit is waiting out the debounce before its preview starts. */
  pending = $state(false);
  /** The user cancelled the preview of the recipe as it is; it runs again on the next edit. */
  cancelledKey = $state<string | null>(null);
  /** The 2-D view: principal components, or two prepared features. */
  view = $state.raw<ScatterView>({ kind: 'pca' });

  #store: DatasetsState;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #slowTimer: ReturnType<typeof setTimeout> | undefined;
  #flag: Int32Array | undefined;

  constructor(store: DatasetsState, rs: RecipeState) {
    this.#store = store;
    this.rs = rs;
  }

  /** The recipe's sampler as written (null: none). */
  sampler = $derived.by((): JsonObject | null => this.rs.recipe.sampler ?? null);

  info = $derived.by((): SamplerInfo | null => {
    const s = this.sampler;
    return s ? (this.catalog.find((d) => d.kind === s.kind) ?? null) : null;
  });

  /** The sampler's own messages for its settings; the preview waits until there are none. */
  problems = $derived.by((): string[] => samplerProblems(this.catalog, this.sampler));

  /** Why there is no balance to show (no target, a regression task), or null. */
  blocked = $derived.by((): string | null => {
    const r = this.rs.recipe;
    if (r.target === null) return 'Choose the target column to see its class balance.';
    if (r.task === 'regression') {
      return `'${r.target}' is a regression target: class balance and resampling are for classification targets.`;
    }
    return null;
  });

  /** What the class counts depend on: the stored data and the target. */
  countsKey = $derived.by((): string | null => {
    const m = this.rs.meta;
    const target = this.rs.recipe.target;
    if (target === null || this.blocked) return null;
    return `${m.id}\n${m.storedBytes}:${m.schema.map((c) => c.kind).join(',')}\n${target}`;
  });

  /** Steps whose own settings are wrong: the preview would fail on them, so it waits. */
  stepProblems = $derived.by((): boolean => this.rs.problems.some((p) => p.length > 0));

  /** What a preview depends on: data, roles, steps, seed, sampler and view; null = none to run. */
  previewKey = $derived.by((): string | null => {
    if (this.blocked || this.problems.length > 0 || this.stepProblems) return null;
    const r = this.rs.recipe;
    return `${this.countsKey}\n${r.task}\n${previewKey(r)}\n${JSON.stringify(this.sampler)}\n${JSON.stringify(this.view)}`;
  });

  /** The counts, when they describe the target as it is now. */
  currentCounts = $derived.by((): TargetBalance | null =>
    this.counts && this.counts.key === this.countsKey ? this.counts.balance : null,
  );

  /** The last preview; `stale` when the recipe changed since (it stays on screen, dimmed). */
  shown = $derived.by((): { result: SamplerPreview; stale: boolean } | null => {
    const p = this.preview;
    if (!p || this.blocked) return null;
    return { result: p.result, stale: p.key !== this.previewKey };
  });

  currentError = $derived.by((): UiError | null =>
    this.previewError && this.previewError.key === this.previewKey ? this.previewError.error : null,
  );

  // ---- the sampler -------------------------------------------------------------------------

  /** Picks a sampler (its defaults written out, so the recipe says exactly what runs) or none. */
  choose(kind: string | null): void {
    if (kind === null) {
      this.rs.setSampler(null);
      return;
    }
    const info = this.catalog.find((s) => s.kind === kind);
    if (!info || this.sampler?.kind === kind) return;
    this.rs.setSampler({ kind, params: structuredClone(info.defaults) });
  }

  setParam(key: string, value: JsonValue): void {
    const info = this.info;
    const sampler = this.sampler;
    if (!info || !sampler) return;
    const spec = info.params[key];
    if (!spec) return;
    const params = { ...samplerParams(info, sampler), [key]: readFormValue(spec, value) };
    this.rs.setSampler({ kind: info.kind, params });
  }

  setView(view: ScatterView): void {
    this.view = view;
  }

  // ---- worker jobs -------------------------------------------------------------------------

  /** Called whenever countsKey or previewKey may have changed: counts now, a preview debounced. */
  sync(): void {
    const countsKey = this.countsKey;
    if (countsKey && this.counts?.key !== countsKey && this.countsError?.key !== countsKey) {
      void this.#loadCounts(countsKey);
    }
    const key = this.previewKey;
    clearTimeout(this.#timer);
    if (key === null) {
      this.pending = false;
      this.#cancelRunning();
      return;
    }
    if (this.running?.key === key) return;
    const upToDate = (this.preview?.key === key || this.previewError?.key === key) && !this.running;
    if (upToDate || this.cancelledKey === key) {
      this.pending = false;
      return;
    }
    this.pending = true;
    this.#timer = setTimeout(() => void this.refresh(), PREVIEW_DEBOUNCE_MS);
  }

  async #loadCounts(key: string): Promise<void> {
    const target = this.rs.recipe.target;
    if (target === null) return;
    try {
      const balance = await this.#store.worker.api.classBalance(this.rs.datasetId, target);
      if (this.countsKey === key) {
        this.counts = { key, balance };
        this.countsError = null;
      }
    } catch (err) {
      if (this.countsKey === key) {
        this.countsError = { key, error: toUiError(err, 'Could not count the classes') };
      }
    }
  }

  /** Asks the worker for the preview of the recipe as it is now (also the "Run again" button). */
  async refresh(): Promise<void> {
    clearTimeout(this.#timer);
    this.pending = false;
    const key = this.previewKey;
    if (key === null) return;
    if (this.running?.key === key) return;
    this.#cancelRunning();
    this.cancelledKey = null;
    const jobId = newJobId();
    const flag = sharedFlag();
    this.#flag = flag;
    this.running = {
      jobId,
      key,
      slow: false,
      text: 'Starting…',
      fraction: null,
      cancelling: false,
    };
    clearTimeout(this.#slowTimer);
    this.#slowTimer = setTimeout(() => {
      if (this.running?.jobId === jobId) this.running = { ...this.running, slow: true };
    }, SLOW_PREVIEW_MS);
    const worker = this.#store.worker;
    try {
      const recipe = JSON.parse(JSON.stringify(this.rs.recipe)) as unknown;
      const result = await worker.api.previewSampler(
        jobId,
        this.rs.datasetId,
        recipe,
        { ...this.view },
        worker.progress<BalanceProgress>((p) => {
          const run = this.running;
          if (run?.jobId !== jobId || run.cancelling) return;
          this.running = {
            ...run,
            text: progressText(p),
            fraction: p.phase === 'resampling' ? (p.fraction ?? 0) : null,
          };
        }),
        flag,
      );
      if (this.running?.jobId !== jobId) return; // superseded or cancelled
      this.preview = { key, result };
      this.previewError = null;
    } catch (err) {
      if (this.running?.jobId !== jobId) return;
      const ui = toUiError(err, 'Could not preview the sampler');
      if (ui.code === 'cancelled') this.cancelledKey = key;
      else this.previewError = { key, error: ui };
    } finally {
      if (this.running?.jobId === jobId) {
        this.running = null;
        clearTimeout(this.#slowTimer);
      }
    }
  }

  /** Stops the running preview; the last one stays on screen, marked out of date. */
  cancel(): void {
    const run = this.running;
    clearTimeout(this.#timer);
    this.pending = false;
    if (!run) return;
    this.cancelledKey = run.key;
    this.#cancelRunning();
  }

  #cancelRunning(): void {
    const run = this.running;
    if (!run) return;
    this.running = null;
    clearTimeout(this.#slowTimer);
    if (this.#flag) Atomics.store(this.#flag, 0, 1);
    this.#flag = undefined;
    void this.#store.worker.api.cancel(run.jobId);
  }

  /** The Prepare view went away: no timers left behind (a running preview finishes quietly). */
  detach(): void {
    clearTimeout(this.#timer);
    this.pending = false;
  }
}

// One state per dataset for the page's lifetime, like the recipe editor's (it keeps the last
// preview and the chosen view when the tab is switched). A cache, not reactive state.
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
const states = new Map<string, BalanceState>();

export function balanceStateFor(store: DatasetsState, rs: RecipeState): BalanceState {
  let state = states.get(rs.datasetId);
  if (!state || state.rs !== rs) {
    state = new BalanceState(store, rs);
    states.set(rs.datasetId, state);
  }
  return state;
}
