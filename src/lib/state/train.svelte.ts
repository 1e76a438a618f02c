// The Train tab's state for one dataset: the choices (recipe, model and its settings, validation,
// sampler, positive class, seed), the train worker (shared by every dataset; started when the tab
// first opens) with its active backend, the run in progress (per-fold stage, live loss points,
// cancel), and the runs and final models stored for the dataset (followed through Dexie liveQuery,
// so what the worker writes shows up by itself and survives a reload). Components read the
// $state.raw fields and call the methods; all fitting happens in the worker.
import { liveQuery, type Subscription } from 'dexie';
import type { DatasetMeta } from '../../core/api/data-api';
import type {
  BackendInfo,
  EpochBatch,
  FinalProgress,
  ModelRecord,
  RunRecord,
  TrainCatalog,
  TrainProgress,
} from '../../core/api/train-api';
import type { BackendOverride } from '../../core/backend';
import type { EpochReport } from '../../core/models/types';
import type { Recipe } from '../../core/recipe/recipe';
import type { JsonObject, JsonValue } from '../../core/steps/types';
import { listModels } from '../../db/models';
import { listRuns } from '../../db/runs';
import { createTrainClient, type TrainClient, type TrainClientHandle } from '../clients/train';
import { toUiError, type UiError } from '../error-message';
import type { DatasetsState } from './datasets.svelte';
import { recipeStateFor } from './recipe.svelte';

export type StageName = TrainProgress['stage'];

export interface FoldStatus {
  fold: number;
  stage: StageName | 'waiting';
}

export interface RunningJob {
  jobId: string;
  kind: 'cv' | 'final';
  /** Short words for the status line ("Fold 2 of 5: training"). */
  text: string;
  folds: FoldStatus[];
  /** Live loss points per fold (final training: fold 1). */
  loss: { fold: number; points: EpochReport[] }[];
  cancelling: boolean;
  startedAt: number;
}

export interface ValidationChoice {
  kind: string;
  folds: number;
  repeats: number;
  shuffle: boolean;
  testSize: number;
  column: string;
}

const STAGE_WORDS: Record<StageName, string> = {
  load: 'reading the data',
  split: 'splitting into folds',
  prepare: 'preparing the training rows',
  resample: 'resampling',
  train: 'training',
  score: 'scoring the test rows',
  done: 'summarising',
  store: 'storing the run',
};

/** The live loss chart redraws at most this often (each redraw is a Plot render). */
const LOSS_REDRAW_MS = 500;

function newJobId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `train-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

// One train worker for the page: tfjs and the chosen backend are set up once.
let client: TrainClientHandle | null = null;
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- listeners, not reactive state
const crashListeners = new Set<(message: string) => void>();

/** The page's one train worker (tfjs and its backend set up once), shared with the bundle state. */
export function trainClient(): TrainClientHandle {
  client ??= createTrainClient((message) => {
    client?.terminate();
    client = null;
    for (const l of crashListeners) l(message);
  });
  return client;
}

export class TrainState {
  readonly datasetId: string;
  catalog = $state.raw<TrainCatalog | null>(null);
  backend = $state.raw<BackendInfo | null>(null);
  switching = $state(false);
  /** 'editor': the recipe being edited in Prepare; else a saved recipe's id. */
  recipeSource = $state('editor');
  model = $state.raw<{ kind: string; params: JsonObject }>({ kind: 'logreg', params: {} });
  validation = $state.raw<ValidationChoice>({
    kind: 'stratified-kfold',
    folds: 5,
    repeats: 3,
    shuffle: true,
    testSize: 0.2,
    column: '',
  });
  sampler = $state.raw<{ kind: string; params: JsonObject } | null>(null);
  /** Binary tasks: null = the minority class. */
  positive = $state<string | null>(null);
  seed = $state(0);
  running = $state.raw<RunningJob | null>(null);
  runs = $state.raw<RunRecord[]>([]);
  models = $state.raw<ModelRecord[]>([]);
  selectedRunId = $state<string | null>(null);
  compareMetric = $state('accuracy');
  error = $state.raw<UiError | null>(null);
  notice = $state<string | null>(null);

  #store: DatasetsState;
  #meta: DatasetMeta;
  #subscriptions: Subscription[] = [];
  #users = 0;
  #onCrash = (message: string) => {
    this.running = null;
    this.error = {
      code: 'internal',
      message: `The training worker stopped (${message}). Nothing was stored; try again.`,
    };
  };

  constructor(store: DatasetsState, dataset: DatasetMeta) {
    this.#store = store;
    this.datasetId = dataset.id;
    this.#meta = dataset;
  }

  meta = $derived.by((): DatasetMeta => {
    const selected = this.#store.selected;
    if (selected && selected.id === this.datasetId) this.#meta = selected;
    return this.#meta;
  });

  /** The recipe editor's state of this dataset (its recipe and its saved recipes). */
  get editor() {
    return recipeStateFor(this.#store, this.meta);
  }

  /** The recipe a run uses, before the Train tab's own choices are added. */
  baseRecipe = $derived.by((): Recipe | null => {
    if (this.recipeSource === 'editor') return this.editor.recipe;
    return this.editor.saved.find((r) => r.id === this.recipeSource)?.recipe ?? null;
  });

  /** Why no run can start now, or null. */
  blocked = $derived.by((): string | null => {
    const r = this.baseRecipe;
    if (!r) return 'Choose a recipe.';
    if (r.target === null)
      return 'This recipe has no target: choose the column to predict in the Prepare tab.';
    if (!this.catalog) return 'Starting the training worker…';
    return null;
  });

  task = $derived.by((): 'classification' | 'regression' | null => {
    const r = this.baseRecipe;
    if (!r || r.target === null) return null;
    if (r.task) return r.task;
    const col = this.meta.schema.find((c) => c.name === r.target);
    return col && ['integer', 'number', 'date'].includes(col.kind)
      ? 'regression'
      : 'classification';
  });

  /** The target's classes with their counts, from the stored profile (binary: the positive pick). */
  classes = $derived.by((): { label: string; count: number }[] => {
    const target = this.baseRecipe?.target;
    const col = this.meta.profile.columns.find((c) => c.name === target);
    return col ? col.top.map((t) => ({ label: t.value, count: t.count })) : [];
  });

  selectedRun = $derived.by(
    (): RunRecord | null =>
      this.runs.find((r) => r.id === this.selectedRunId) ?? this.runs[0] ?? null,
  );

  // ---- lifecycle ---------------------------------------------------------------------------

  attach(): void {
    this.#users++;
    if (this.#users > 1) return;
    crashListeners.add(this.#onCrash);
    const db = this.#store.db;
    if (db) {
      this.#subscriptions.push(
        liveQuery(() => listRuns(db, this.datasetId)).subscribe({
          next: (list) => (this.runs = list),
          error: (err) => (this.error = toUiError(err, 'Could not read the stored runs')),
        }),
        liveQuery(() => listModels(db, this.datasetId)).subscribe({
          next: (list) => (this.models = list),
          error: (err) => (this.error = toUiError(err, 'Could not read the stored models')),
        }),
      );
    }
    this.seed = this.editor.recipe.seed;
    void this.#connect();
  }

  detach(): void {
    this.#users = Math.max(0, this.#users - 1);
    if (this.#users > 0) return;
    crashListeners.delete(this.#onCrash);
    for (const s of this.#subscriptions) s.unsubscribe();
    this.#subscriptions = [];
  }

  async #api(): Promise<TrainClient> {
    return trainClient().ready;
  }

  async #connect(): Promise<void> {
    try {
      const api = await this.#api();
      const [catalog, backend] = await Promise.all([api.catalog(), api.backendInfo()]);
      this.catalog = catalog;
      this.backend = backend;
      this.#fitModelToTask();
    } catch (err) {
      this.error = toUiError(err, 'Could not start the training worker');
    }
  }

  /** The default model of the task when the chosen one does not fit it. */
  #fitModelToTask(): void {
    const task = this.task;
    const catalog = this.catalog;
    if (!task || !catalog) return;
    const current = catalog.models.find((m) => m.kind === this.model.kind);
    if (current && current.task === task) return;
    this.model = { kind: task === 'classification' ? 'logreg' : 'linear', params: {} };
    if (task === 'regression') {
      this.sampler = null;
      if (this.validation.kind.includes('stratified'))
        this.validation = { ...this.validation, kind: 'kfold' };
    }
  }

  dismiss(): void {
    this.error = null;
    this.notice = null;
  }

  // ---- choices -----------------------------------------------------------------------------

  setRecipeSource(source: string): void {
    this.recipeSource = source;
    const r = this.baseRecipe;
    if (r) this.seed = r.seed;
    this.positive = null;
    this.#fitModelToTask();
  }

  setModelKind(kind: string): void {
    this.model = { kind, params: {} };
  }

  setModelParam(key: string, value: JsonValue): void {
    this.model = { ...this.model, params: { ...this.model.params, [key]: value } };
  }

  setSamplerKind(kind: string | null): void {
    this.sampler = kind ? { kind, params: {} } : null;
  }

  setSamplerParam(key: string, value: JsonValue): void {
    if (!this.sampler) return;
    this.sampler = { ...this.sampler, params: { ...this.sampler.params, [key]: value } };
  }

  setValidation(patch: Partial<ValidationChoice>): void {
    this.validation = { ...this.validation, ...patch };
  }

  async setBackend(choice: BackendOverride): Promise<void> {
    this.switching = true;
    this.error = null;
    try {
      const api = await this.#api();
      this.backend = await api.setBackend(choice);
      this.notice = `Compute backend: ${this.backend.active.name} (${this.backend.active.reason}).`;
    } catch (err) {
      this.error = toUiError(err, 'Could not switch the compute backend');
    } finally {
      this.switching = false;
    }
  }

  /** The recipe sent to the worker: the base recipe with this tab's model, validation, sampler. */
  recipeForRun(): Recipe | null {
    const base = this.baseRecipe;
    if (!base) return null;
    const v = this.validation;
    const validation: JsonObject = { kind: v.kind };
    if (v.kind === 'holdout') validation.testSize = v.testSize;
    else if (v.kind !== 'predefined') validation.folds = v.folds;
    if (v.kind === 'kfold' || v.kind === 'stratified-kfold') validation.shuffle = v.shuffle;
    if (v.kind === 'repeated-stratified-kfold') validation.repeats = v.repeats;
    if (['group-kfold', 'time-series', 'predefined'].includes(v.kind) && v.column)
      validation.column = v.column;
    const recipe: Recipe = {
      ...base,
      name: base.name ?? (this.recipeSource === 'editor' ? 'Prepare tab recipe' : 'recipe'),
      seed: this.seed,
      model: plain(this.model) as unknown as JsonObject,
      validation,
      sampler: this.sampler ? (plain(this.sampler) as unknown as JsonObject) : null,
    };
    return plain(recipe);
  }

  // ---- running -----------------------------------------------------------------------------

  async crossValidate(): Promise<void> {
    if (this.running || this.blocked) return;
    const recipe = this.recipeForRun();
    if (!recipe) return;
    await this.#job('cv', 'Could not cross-validate', async (api, jobId, handle) => {
      const run = await api.crossValidate(
        jobId,
        this.datasetId,
        recipe,
        this.positive !== null ? { positive: this.positive } : {},
        handle.callback((p: TrainProgress) => this.#onProgress(jobId, p)),
        handle.callback((b: EpochBatch) => this.#onEpochs(jobId, b.fold, b.points)),
      );
      this.selectedRunId = run.id;
      const acc = run.metrics.accuracy ?? run.metrics.r2;
      return `Cross-validation done: ${run.folds.length} folds in ${run.timings.seconds.toFixed(1)} s on ${run.backend.name}${acc ? `, ${run.metrics.accuracy ? 'accuracy' : 'R²'} ${acc.mean.toFixed(3)} ± ${acc.std.toFixed(3)}` : ''}.`;
    });
  }

  /**
   * Runs one worker job as `running` (its status line, folds and loss start empty): `work` gets
   * the worker's API, the job's id and the client handle, and returns the notice to show when it
   * is done. A cancelled job ends with the cancel message as the notice, any other failure as the
   * error; `running` is cleared unless another job has taken its place.
   */
  async #job(
    kind: RunningJob['kind'],
    failure: string,
    work: (api: TrainClient, jobId: string, handle: TrainClientHandle) => Promise<string>,
  ): Promise<void> {
    const jobId = newJobId();
    const handle = trainClient();
    this.error = null;
    this.notice = null;
    this.running = {
      jobId,
      kind,
      text: 'Starting…',
      folds: [],
      loss: [],
      cancelling: false,
      startedAt: Date.now(),
    };
    try {
      const api = await handle.ready;
      this.notice = await work(api, jobId, handle);
    } catch (err) {
      const ui = toUiError(err, failure);
      if (ui.code === 'cancelled') this.notice = ui.message;
      else this.error = ui;
    } finally {
      if (this.running?.jobId === jobId) this.running = null;
    }
  }

  #onProgress(jobId: string, p: TrainProgress): void {
    const run = this.running;
    if (!run || run.jobId !== jobId || run.cancelling) return;
    let folds = run.folds;
    if (p.folds > 0 && folds.length !== p.folds)
      folds = Array.from({ length: p.folds }, (_, i) => ({
        fold: i + 1,
        stage: 'waiting' as const,
      }));
    if (p.fold > 0) {
      folds = folds.map((f) =>
        f.fold < p.fold && f.stage !== 'done'
          ? { ...f, stage: 'done' }
          : f.fold === p.fold
            ? { ...f, stage: p.stage }
            : f,
      );
    }
    if (p.stage === 'done' || p.stage === 'store')
      folds = folds.map((f) => ({ ...f, stage: 'done' }));
    const where = p.fold > 0 && p.stage !== 'store' ? `Fold ${p.fold} of ${p.folds}: ` : '';
    this.running = { ...run, folds, text: `${where}${STAGE_WORDS[p.stage]}…` };
  }

  /** Loss points not yet shown: the live chart redraws at most every LOSS_REDRAW_MS. */
  #pendingLoss: { fold: number; points: EpochReport[] }[] = [];
  #lossTimer: ReturnType<typeof setTimeout> | undefined;

  #onEpochs(jobId: string, fold: number, points: EpochReport[]): void {
    if (this.running?.jobId !== jobId) return;
    this.#pendingLoss.push({ fold, points });
    if (this.#lossTimer !== undefined) return;
    this.#lossTimer = setTimeout(() => {
      this.#lossTimer = undefined;
      const run = this.running;
      const batches = this.#pendingLoss;
      this.#pendingLoss = [];
      if (!run || run.jobId !== jobId) return;
      const loss = [...run.loss];
      for (const b of batches) {
        const at = loss.findIndex((l) => l.fold === b.fold);
        if (at < 0) loss.push({ fold: b.fold, points: b.points });
        else loss[at] = { fold: b.fold, points: [...loss[at].points, ...b.points] };
      }
      this.running = { ...run, loss };
    }, LOSS_REDRAW_MS);
  }

  cancel(): void {
    const run = this.running;
    if (!run || run.cancelling) return;
    this.running = { ...run, cancelling: true, text: 'Cancelling…' };
    void this.#api().then((api) => api.cancel(run.jobId));
  }

  async deleteRun(id: string): Promise<void> {
    try {
      await (await this.#api()).deleteRun(id);
      if (this.selectedRunId === id) this.selectedRunId = null;
    } catch (err) {
      this.error = toUiError(err, 'Could not delete the run');
    }
  }

  /** Fits the chosen run's recipe (or the current choices) on every row and stores the model. */
  async trainFinal(): Promise<void> {
    if (this.running) return;
    const from = this.selectedRun;
    const recipe = from ? from.recipe : this.recipeForRun();
    if (!recipe) return;
    await this.#job('final', 'Could not train the final model', async (api, jobId, handle) => {
      const model = await api.trainFinal(
        jobId,
        this.datasetId,
        plain(recipe),
        handle.callback((p: FinalProgress) => this.#onFinal(jobId, p)),
        {
          ...(from ? { runId: from.id } : {}),
          ...(from?.positive ? { positive: from.positive } : {}),
        },
      );
      return `Trained “${model.name}” on ${model.trainRows.toLocaleString('en-US')} rows in ${model.seconds.toFixed(1)} s.`;
    });
  }

  #onFinal(jobId: string, p: FinalProgress): void {
    const run = this.running;
    if (!run || run.jobId !== jobId || run.cancelling) return;
    const words: Record<FinalProgress['phase'], string> = {
      loading: 'Reading the data…',
      preparing: 'Fitting the recipe’s steps on every row…',
      resampling: 'Resampling…',
      training: 'Training the model…',
      saving: 'Saving the weights…',
      storing: 'Storing the model…',
    };
    this.running = { ...run, text: words[p.phase] };
    if (p.points?.length) this.#onEpochs(jobId, 1, p.points);
  }

  async deleteModel(id: string): Promise<void> {
    try {
      await (await this.#api()).deleteModel(id);
    } catch (err) {
      this.error = toUiError(err, 'Could not delete the model');
    }
  }
}

// One state per dataset for the page's lifetime, so choices survive switching tabs or datasets.
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, not reactive state
const states = new Map<string, TrainState>();

export function trainStateFor(store: DatasetsState, dataset: DatasetMeta): TrainState {
  let state = states.get(dataset.id);
  if (!state) {
    state = new TrainState(store, dataset);
    states.set(dataset.id, state);
  }
  return state;
}
