// The recipe editor's state for one dataset: the recipe being edited (roles, steps, seed), the
// step previews the data worker computes for it, and the recipes saved for the dataset (followed
// through a Dexie liveQuery). Components read the $state.raw fields and call the methods; every
// change makes a new recipe object (never mutated in place), which is what the preview and the
// "unsaved changes" mark compare. Fitting, previews and applying run in the data worker; the pure
// helpers the editor needs synchronously (step catalogue, settings checks, suggestions, recipe
// JSON) come from prepare-core.ts. The Prepare tab, and so this file, is loaded as a separate
// chunk the first time the tab opens (DatasetView), so none of it delays the first paint.
import { liveQuery, type Subscription } from 'dexie';
import type { DatasetMeta } from '../../core/api/data-api';
import type { PrepProgress } from '../../core/api/prep-api';
import type { ColumnSchema } from '../../core/data/schema';
import type { StepPreview } from '../../core/recipe/preview';
import type { Recipe, Task } from '../../core/recipe/recipe';
import type { RoleSuggestions, TaskSuggestion } from '../../core/recipe/roles';
import type { StepInfo } from '../../core/steps/registry';
import type { JsonObject, JsonValue, StepSpec } from '../../core/steps/types';
import { deleteRecipe, listRecipes, saveRecipe } from '../../db/recipes';
import type { StoredRecipe } from '../../db/schema';
import * as core from '../components/Prepare/prepare-core';
import {
  inputSchemaAt,
  moveStep,
  newStep,
  previewKey,
  recipeFileName,
  recipeInputSchema,
  removeStep,
  setParam,
} from '../components/Prepare/recipe-edit';
import { toUiError, type UiError } from '../error-message';
import type { DatasetsState } from './datasets.svelte';

/** Wait this long after the last edit before asking the worker for a preview. */
const PREVIEW_DEBOUNCE_MS = 250;
/** A preview that runs longer than this shows a Cancel button. */
const SLOW_PREVIEW_MS = 1000;

export interface PreviewResult {
  /** #previewKey() of the recipe and data these previews describe. */
  key: string;
  /** rolesKey() of that recipe: the input columns the first step saw. */
  roles: string;
  steps: StepSpec[];
  list: StepPreview[];
}

export interface PreviewRun {
  jobId: string;
  key: string;
  /** True once it has run for more than a second: the UI offers to cancel it. */
  slow: boolean;
  /** Steps sent to the worker, and when (Date.now()): the busy line says what it is doing. */
  steps: number;
  startedAt: number;
  /** Steps previewed so far (the worker reports each), for the progress bar. */
  done: number;
}

function blankRecipe(): Recipe {
  return {
    format: 'benchtop.recipe',
    version: 1,
    target: null,
    task: null,
    roles: { ignored: [] },
    steps: [],
    seed: 0,
  };
}

function newJobId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `prep-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** The recipe without its name: what "unsaved changes" compares. */
function contentOf(recipe: Recipe): string {
  const { name: _name, ...rest } = recipe;
  return JSON.stringify(rest);
}

export class RecipeState {
  readonly datasetId: string;
  recipe = $state.raw<Recipe>(blankRecipe());
  /** The saved recipe being edited, if any: "Save" updates it. */
  savedId = $state<string | null>(null);
  /** The name in the save box. */
  name = $state('');
  /** Content of the recipe when it was last saved or loaded (null: never). */
  #savedContent = $state<string | null>(null);
  /** The step whose settings and preview are shown. */
  selected = $state<number | null>(null);
  previews = $state.raw<PreviewResult | null>(null);
  previewing = $state.raw<PreviewRun | null>(null);
  /** An edit is waiting out the debounce before its preview starts. */
  previewPending = $state(false);
  /** The preview was cancelled by the user; it runs again on the next edit or on request. */
  previewCancelled = $state(false);
  /** A failure of the whole preview (not of one step: those are in the step's preview). */
  previewError = $state.raw<UiError | null>(null);
  saved = $state.raw<StoredRecipe[]>([]);
  savedLoaded = $state(false);
  /** What the panel is doing that blocks its buttons. */
  busy = $state<'apply' | 'save' | null>(null);
  /** An Apply in progress: its job (to cancel it) and what it is doing. */
  applying = $state.raw<{ jobId: string; text: string; cancelling: boolean } | null>(null);
  error = $state.raw<UiError | null>(null);
  notice = $state<string | null>(null);

  #store: DatasetsState;
  #meta: DatasetMeta;
  #subscription: Subscription | null = null;
  #users = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #slowTimer: ReturnType<typeof setTimeout> | undefined;
  /** False until the user or a loaded recipe set the roles: suggestions fill them until then. */
  #rolesChosen = false;

  constructor(store: DatasetsState, dataset: DatasetMeta) {
    this.#store = store;
    this.datasetId = dataset.id;
    this.#meta = dataset;
    this.#applySuggestedRoles();
  }

  /** The dataset, as stored now (a kind override changes its schema). */
  meta = $derived.by((): DatasetMeta => {
    const selected = this.#store.selected;
    if (selected && selected.id === this.datasetId) this.#meta = selected;
    return this.#meta;
  });

  /** Every registered step, for the add-step menu and the settings forms. */
  readonly catalog: StepInfo[] = core.describeSteps();

  /** Suggested roles from the stored profile: ignored columns (with reasons), date, group. */
  suggestions = $derived.by((): RoleSuggestions =>
    core.suggestRoles(this.meta.schema, this.meta.profile, this.recipe.target),
  );

  /** The task the target implies (two options for few whole numbers), or why it cannot be one. */
  taskSuggestion = $derived.by((): { ok: TaskSuggestion } | { error: string } | null => {
    const target = this.recipe.target;
    if (target === null) return null;
    const column = this.meta.profile.columns.find((c) => c.name === target);
    if (!column) return { error: `'${target}' is not a column of this dataset.` };
    try {
      return { ok: core.suggestTask(column) };
    } catch (err) {
      return { error: toUiError(err, 'Could not read the target').message };
    }
  });

  /** The columns the first step sees. */
  baseSchema = $derived.by((): ColumnSchema[] =>
    recipeInputSchema(this.meta.schema, this.recipe.roles),
  );

  /** The previews, when they describe the recipe as it is now. */
  currentPreviews = $derived.by((): StepPreview[] | null =>
    this.previews && this.previews.key === this.#previewKey(this.recipe)
      ? this.previews.list
      : null,
  );

  /** Per step: what is wrong with it (its own settings check, then the worker's fit error). */
  problems = $derived.by((): string[][] => {
    const steps = this.recipe.steps;
    const current = this.currentPreviews;
    return steps.map((spec, i) => {
      const own = core.checkStep(spec, this.schemaAt(i));
      const failed = current?.[i]?.error;
      if (own.length > 0 || !failed) return own;
      const problems = failed.details.problems;
      return Array.isArray(problems) ? problems.map(String) : [stripStepPrefix(failed.message)];
    });
  });

  dirty = $derived(this.#savedContent !== contentOf(this.recipe));

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Called when a Prepare view mounts: follows the saved recipes while one is shown. */
  attach(): void {
    this.#users++;
    if (this.#users > 1) return;
    // The data may have changed while the tab was closed (a type override): preview again if so.
    this.#schedulePreview();
    const db = this.#store.db;
    if (db && !this.#subscription) {
      this.#subscription = liveQuery(() => listRecipes(db, this.datasetId)).subscribe({
        next: (list) => {
          this.saved = list;
          this.savedLoaded = true;
          // Deleted here or in another tab: the recipe stays in the editor, as unsaved.
          if (this.savedId && !list.some((r) => r.id === this.savedId)) {
            this.savedId = null;
            this.#savedContent = null;
          }
        },
        error: (err) => {
          this.error = toUiError(err, 'Could not read the saved recipes');
          this.savedLoaded = true;
        },
      });
    }
  }

  detach(): void {
    this.#users = Math.max(0, this.#users - 1);
    if (this.#users > 0) return;
    this.#subscription?.unsubscribe();
    this.#subscription = null;
    clearTimeout(this.#timer);
    this.previewPending = false;
  }

  dismiss(): void {
    this.error = null;
    this.notice = null;
  }

  // ---- roles -------------------------------------------------------------------------------

  /** Suggested ignored columns fill the roles of a fresh recipe, until the user changes them. */
  #applySuggestedRoles(): void {
    if (this.#rolesChosen) return;
    const ignored = this.suggestions.ignored.map((s) => s.column);
    if (ignored.length === 0) return;
    this.#setRecipe({ ...this.recipe, roles: { ...this.recipe.roles, ignored } });
  }

  /**
   * A new target: never ignored, never the group or date column, and the task it implies. While
   * the user has not set the roles themselves, the ignored columns follow the suggestions for the
   * new target (so a column tried as target and then left is ignored again if it should be).
   */
  setTarget(target: string | null): void {
    const r = this.recipe;
    const roles = { ...r.roles, ignored: r.roles.ignored.filter((c) => c !== target) };
    if (roles.group === target) delete roles.group;
    if (roles.date === target) delete roles.date;
    // The suggestions and the task are derived from the recipe's target: set it, then read them.
    this.recipe = { ...r, target, roles };
    if (!this.#rolesChosen) roles.ignored = this.suggestions.ignored.map((s) => s.column);
    const suggestion = this.taskSuggestion;
    this.#setRecipe({
      ...r,
      target,
      roles,
      task: suggestion && 'ok' in suggestion ? suggestion.ok.task : null,
    });
  }

  setTask(task: Task): void {
    this.#setRecipe({ ...this.recipe, task });
  }

  setIgnored(column: string, ignored: boolean): void {
    this.#rolesChosen = true;
    const list = this.recipe.roles.ignored.filter((c) => c !== column);
    if (ignored) list.push(column);
    const order = this.meta.schema.map((c) => c.name);
    list.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    this.#setRecipe({ ...this.recipe, roles: { ...this.recipe.roles, ignored: list } });
  }

  setRole(role: 'group' | 'date', column: string | null): void {
    this.#rolesChosen = true;
    const roles = { ...this.recipe.roles };
    if (column === null) delete roles[role];
    else roles[role] = column;
    this.#setRecipe({ ...this.recipe, roles });
  }

  /**
   * The sampler (training only), saved and exported with the recipe like the steps; null removes
   * it (the key goes, so a recipe that never had one is unchanged). The Class balance section
   * (src/lib/state/balance.svelte.ts) checks its settings and previews it.
   */
  setSampler(sampler: JsonObject | null): void {
    const { sampler: _old, ...rest } = this.recipe;
    this.#setRecipe(sampler === null ? rest : { ...rest, sampler });
  }

  setSeed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return;
    this.#setRecipe({ ...this.recipe, seed });
  }

  // ---- steps -------------------------------------------------------------------------------

  /** The columns step `index` sees (null: not known until the steps before it are previewed). */
  schemaAt(index: number): ColumnSchema[] | null {
    const p = this.previews;
    return inputSchemaAt(
      index,
      this.recipe.steps,
      this.baseSchema,
      p && p.roles === rolesKey(this.recipe) ? { steps: p.steps, previews: p.list } : null,
    );
  }

  /** Fills the recipe with the default steps for the chosen target, in one click. */
  autoPrepare(): void {
    const target = this.recipe.target;
    if (target === null) {
      this.error = {
        code: 'invalid-argument',
        message: 'Choose the target column first: auto-prepare builds the steps around it.',
      };
      return;
    }
    try {
      const auto = core.autoRecipe(this.meta.schema, this.meta.profile, target, {
        ignored: this.recipe.roles.ignored,
        seed: this.recipe.seed,
        ...(this.recipe.task ? { task: this.recipe.task } : {}),
      });
      const roles = { ...this.recipe.roles, ignored: auto.roles.ignored };
      this.#setRecipe({ ...this.recipe, task: auto.task, roles, steps: auto.steps });
      this.selected = auto.steps.length > 0 ? 0 : null;
      this.error = null;
      this.notice = `Auto-prepare filled in ${auto.steps.length} step${auto.steps.length === 1 ? '' : 's'}.`;
    } catch (err) {
      this.error = toUiError(err, 'Could not auto-prepare');
    }
  }

  addStep(kind: string): void {
    const info = this.catalog.find((s) => s.kind === kind);
    if (!info) return;
    const at = this.recipe.steps.length;
    const schema = this.schemaAt(at) ?? this.#lastKnownSchema();
    const steps = [...this.recipe.steps, newStep(info, schema, this.recipe.target)];
    this.#setRecipe({ ...this.recipe, steps });
    this.selected = at;
  }

  removeStep(index: number): void {
    this.#setRecipe({ ...this.recipe, steps: removeStep(this.recipe.steps, index) });
    const n = this.recipe.steps.length;
    if (this.selected !== null && this.selected >= index)
      this.selected =
        n === 0
          ? null
          : Math.max(0, Math.min(n - 1, this.selected - (this.selected > index ? 1 : 0)));
  }

  moveStep(index: number, delta: -1 | 1): void {
    const to = index + delta;
    if (to < 0 || to >= this.recipe.steps.length) return;
    this.#setRecipe({ ...this.recipe, steps: moveStep(this.recipe.steps, index, delta) });
    if (this.selected === index) this.selected = to;
    else if (this.selected === to) this.selected = index;
  }

  setParam(index: number, key: string, value: JsonValue): void {
    this.#setRecipe({ ...this.recipe, steps: setParam(this.recipe.steps, index, key, value) });
  }

  select(index: number | null): void {
    this.selected = index;
  }

  /** The columns after the last step we know of: where a new step's columns come from. */
  #lastKnownSchema(): ColumnSchema[] {
    for (let i = this.recipe.steps.length; i >= 0; i--) {
      const s = this.schemaAt(i);
      if (s) return s;
    }
    return this.baseSchema;
  }

  // ---- previews ----------------------------------------------------------------------------

  /** What a preview depends on: the recipe, and the stored data (a kind override changes it). */
  #previewKey(recipe: Recipe): string {
    const m = this.meta;
    return `${previewKey(recipe)}\n${m.storedBytes}:${m.schema.map((c) => c.kind).join(',')}`;
  }

  #setRecipe(recipe: Recipe): void {
    this.recipe = recipe;
    this.#schedulePreview();
  }

  #schedulePreview(): void {
    this.previewCancelled = false;
    clearTimeout(this.#timer);
    const key = this.#previewKey(this.recipe);
    const upToDate =
      (this.previews?.key === key && !this.previewError && !this.previewing) ||
      this.previewing?.key === key;
    // Nothing to wait for (an edit undone, the tab reopened): no pending mark, no dimming.
    this.previewPending = !upToDate;
    if (!upToDate || this.previewing)
      this.#timer = setTimeout(() => void this.refreshPreview(), PREVIEW_DEBOUNCE_MS);
  }

  /**
   * Asks the worker for the preview of every step of the recipe as it is now. Steps whose own
   * settings are wrong (no columns chosen, a number out of range) would make the worker refuse
   * the whole recipe, so only the steps before the first such step are sent; that step shows its
   * own message and the ones after it wait for it to be fixed.
   */
  async refreshPreview(): Promise<void> {
    clearTimeout(this.#timer);
    this.previewPending = false;
    const recipe = this.recipe;
    const key = this.#previewKey(recipe);
    if (this.previewing?.key === key) return; // already computing this one
    this.#cancelRunning(); // computing another version of the recipe: its answer is stale
    this.previewCancelled = false;
    if (this.previews?.key === key && !this.previewError) return;
    const bad = recipe.steps.findIndex((s) => core.checkStep(s, null).length > 0);
    const steps = bad < 0 ? recipe.steps : recipe.steps.slice(0, bad);
    const roles = rolesKey(recipe);
    if (steps.length === 0) {
      this.previews = { key, roles, steps: [], list: [] };
      this.previewError = null;
      return;
    }
    const jobId = newJobId();
    this.previewing = {
      jobId,
      key,
      slow: false,
      steps: steps.length,
      startedAt: Date.now(),
      done: 0,
    };
    clearTimeout(this.#slowTimer);
    this.#slowTimer = setTimeout(() => {
      if (this.previewing?.jobId === jobId) this.previewing = { ...this.previewing, slow: true };
    }, SLOW_PREVIEW_MS);
    try {
      const list = await this.#store.worker.api.previewRecipe(
        jobId,
        this.datasetId,
        snapshot({ ...recipe, steps }),
        {},
        this.#store.worker.progress<PrepProgress>((p) => {
          const run = this.previewing;
          if (run?.jobId === jobId && p.phase === 'previewing' && p.done !== undefined)
            this.previewing = { ...run, done: p.done };
        }),
      );
      if (this.previewing?.jobId !== jobId) return; // superseded or cancelled
      this.previews = { key, roles, steps, list };
      this.previewError = null;
    } catch (err) {
      if (this.previewing?.jobId !== jobId) return;
      const ui = toUiError(err, 'Could not preview the recipe');
      if (ui.code === 'cancelled') this.previewCancelled = true;
      else this.previewError = ui;
    } finally {
      if (this.previewing?.jobId === jobId) {
        this.previewing = null;
        clearTimeout(this.#slowTimer);
      }
    }
  }

  /** Stops a running preview; the last previews stay on screen, marked out of date. */
  cancelPreview(): void {
    clearTimeout(this.#timer);
    this.previewPending = false;
    if (!this.previewing) return;
    this.#cancelRunning();
    this.previewCancelled = true;
  }

  #cancelRunning(): void {
    const run = this.previewing;
    if (!run) return;
    this.previewing = null;
    clearTimeout(this.#slowTimer);
    void this.#store.worker.api.cancel(run.jobId);
  }

  // ---- saved recipes -----------------------------------------------------------------------

  /** Saves under the name in the box: updates the saved recipe of that name, else adds one. */
  async save(): Promise<boolean> {
    const db = this.#store.db;
    const name = this.name.trim();
    if (!db) return false;
    if (name === '') {
      this.error = { code: 'invalid-argument', message: 'Name the recipe before saving it.' };
      return false;
    }
    // The same name updates that saved recipe; a new name keeps the old one and adds another.
    const id = this.saved.find((r) => r.name === name)?.id;
    this.busy = 'save';
    this.error = null;
    try {
      const recipe = { ...this.recipe, name };
      const savedId = await saveRecipe(db, {
        ...(id ? { id } : {}),
        datasetId: this.datasetId,
        name,
        recipe: snapshot(recipe),
      });
      this.recipe = recipe;
      this.savedId = savedId;
      this.name = name;
      this.#savedContent = contentOf(recipe);
      this.notice = `Saved the recipe “${name}”.`;
      return true;
    } catch (err) {
      this.error = toUiError(err, `Could not save the recipe “${name}”`);
      return false;
    } finally {
      this.busy = null;
    }
  }

  /** Opens a saved recipe in the editor (the current one is replaced). */
  load(id: string): void {
    const stored = this.saved.find((r) => r.id === id);
    if (!stored) return;
    if (!stored.recipe) {
      this.error = {
        code: 'invalid-argument',
        message: `The recipe “${stored.name}” cannot be opened: ${stored.problem ?? 'it is not readable'}`,
      };
      return;
    }
    this.#rolesChosen = true;
    this.#setRecipe(stored.recipe);
    this.savedId = stored.id;
    this.name = stored.name;
    this.#savedContent = contentOf(stored.recipe);
    this.selected = stored.recipe.steps.length > 0 ? 0 : null;
    this.error = null;
    this.notice = `Opened the recipe “${stored.name}”.`;
  }

  async remove(id: string): Promise<void> {
    const db = this.#store.db;
    if (!db) return;
    const name = this.saved.find((r) => r.id === id)?.name ?? 'the recipe';
    try {
      await deleteRecipe(db, id);
      this.notice = `Deleted the recipe “${name}”.`;
    } catch (err) {
      this.error = toUiError(err, `Could not delete “${name}”`);
    }
  }

  /** The recipe as a `<name>.recipe.json` file's name and text (serializeRecipe's stable form). */
  exportFile(): { fileName: string; text: string } | null {
    const name = this.name.trim() || this.recipe.name || `${this.meta.name} recipe`;
    try {
      return {
        fileName: recipeFileName(name),
        text: core.serializeRecipe({ ...this.recipe, name }),
      };
    } catch (err) {
      this.error = toUiError(err, 'Could not export the recipe');
      return null;
    }
  }

  /** Reads a recipe file into the editor; its errors (newer format, unknown step) are shown. */
  importText(text: string, fileName: string): boolean {
    try {
      const recipe = core.parseRecipeText(text);
      this.#rolesChosen = true;
      this.#setRecipe(recipe);
      this.savedId = null;
      this.#savedContent = null;
      this.name = recipe.name ?? fileName.replace(/(\.recipe)?\.json$/i, '');
      this.selected = recipe.steps.length > 0 ? 0 : null;
      this.error = null;
      this.notice = `Imported ${fileName}: ${recipe.steps.length} step${recipe.steps.length === 1 ? '' : 's'}. Save it to keep it with this dataset.`;
      return true;
    } catch (err) {
      this.error = toUiError(err, `Could not import ${fileName}`);
      return false;
    }
  }

  /** Fits the recipe on the whole dataset and stores the result as a new dataset, then opens it. */
  async apply(): Promise<void> {
    if (this.busy !== null) return;
    const name = this.name.trim() || this.recipe.name || 'recipe';
    const datasetName = `${this.meta.name} · ${name}`;
    const jobId = newJobId();
    const worker = this.#store.worker;
    this.busy = 'apply';
    this.applying = { jobId, text: 'Starting…', cancelling: false };
    this.error = null;
    this.notice = null;
    try {
      const recipe = snapshot({ ...this.recipe, name });
      const meta = await worker.api.applyRecipe(
        this.datasetId,
        recipe,
        datasetName,
        jobId,
        worker.progress<PrepProgress>((p) => {
          const run = this.applying;
          if (run?.jobId === jobId && !run.cancelling)
            this.applying = { ...run, text: applyText(p) };
        }),
      );
      this.#store.notice = `Prepared “${this.meta.name}” with the recipe “${name}”: “${meta.name}” has ${meta.rows.toLocaleString('en-US')} rows × ${meta.cols.toLocaleString('en-US')} columns.`;
      this.#store.select(meta.id);
      this.#store.tab = 'profile';
    } catch (err) {
      const ui = toUiError(err, 'Could not apply the recipe');
      if (ui.code === 'cancelled') this.notice = ui.message;
      else this.error = ui;
    } finally {
      this.busy = null;
      this.applying = null;
    }
  }

  /** Stops an Apply in progress; nothing is stored. */
  cancelApply(): void {
    const run = this.applying;
    if (!run || run.cancelling) return;
    this.applying = { ...run, cancelling: true, text: 'Cancelling…' };
    void this.#store.worker.api.cancel(run.jobId);
  }
}

function applyText(p: PrepProgress): string {
  if (p.phase === 'loading') return 'Reading the dataset…';
  if (p.phase === 'storing') return 'Storing the prepared dataset…';
  return p.done !== undefined && p.total !== undefined
    ? `Fitting step ${Math.min(p.done + 1, p.total)} of ${p.total}…`
    : 'Fitting…';
}

/** A plain copy of a recipe for postMessage and IndexedDB ($state values are proxies). */
function snapshot(recipe: Recipe): Recipe {
  return JSON.parse(JSON.stringify(recipe)) as Recipe;
}

/** What decides the columns the first step sees (the steps' own columns follow from it). */
function rolesKey(recipe: Recipe): string {
  return JSON.stringify([recipe.target, recipe.roles.ignored]);
}

/** "Step 3 (Scale: standard): column 'x'…" reads as "column 'x'…" under the step itself. */
function stripStepPrefix(message: string): string {
  return message.replace(/^Step \d+ \([^)]*\): /, '').replace(/^Step \d+: /, '');
}

// One editor state per dataset for the page's lifetime, so a recipe being edited survives
// switching tabs or datasets. A cache, not reactive state: nothing renders from the map itself.
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
const states = new Map<string, RecipeState>();

export function recipeStateFor(store: DatasetsState, dataset: DatasetMeta): RecipeState {
  let state = states.get(dataset.id);
  if (!state) {
    state = new RecipeState(store, dataset);
    states.set(dataset.id, state);
  }
  return state;
}
