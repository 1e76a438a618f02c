// The preparation API behind the data worker: auto-prepare a recipe for a stored dataset, preview
// what each step does, and apply a recipe, storing the prepared data as a NEW dataset whose lineage
// names the dataset and recipe it came from. Storage is injected (src/db in the browser, a fake in
// tests), as in data-api.ts, so this file stays pure and runs in-process and through comlink.
// Long work yields to the event loop between steps, so a cancel(jobId) sent meanwhile lands.
import { tableToIPC } from 'apache-arrow';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { BenchtopError, toBenchtopError } from '../errors';
import { frameSchema, frameToTable, type Frame } from '../data/frame';
import { profileTable } from '../data/profile';
import type { IngestReport } from '../ingest/types';
import {
  autoRecipe,
  checkRecipeData,
  fitRecipe,
  parseRecipe,
  previewSteps,
  recipeInput,
  suggestRoles,
  suggestTask,
  type AutoRecipeOptions,
  type PreviewOptions,
  type Recipe,
  type RoleSuggestions,
  type StepPreview,
  type TaskSuggestion,
} from '../recipe';
import { getStep } from '../steps';
import type { DataApiDeps, DatasetMeta } from './data-api';
import { frameCache, readDatasetMeta, yieldToEventLoop, type FrameCache } from './stored-dataset';

/** Where a prepared dataset came from. */
export interface DatasetLineage {
  /** The dataset the recipe was fitted on. */
  from: string;
  fromName: string;
  /** sha256 of the original file, so the chain reaches the bytes a person loaded. */
  fromSha256: string;
  recipe: Recipe;
}

/** A dataset written by applyRecipe: an ordinary dataset plus its lineage. */
export type PreparedDatasetMeta = DatasetMeta & { lineage: DatasetLineage };

export interface PrepProgress {
  phase: 'loading' | 'fitting' | 'previewing' | 'storing';
  /** Steps fitted (or previewed) so far, and in all ('fitting' and 'previewing' only). */
  done?: number;
  total?: number;
}

export interface ColumnSuggestions extends RoleSuggestions {
  /** The task the target implies, when a target was given. */
  task?: TaskSuggestion;
}

export function createPrepApi(deps: DataApiDeps, frames: FrameCache = frameCache(deps.store)) {
  const cancelledJobs = new Set<string>();
  // Previews re-run on every edit of a recipe: keep the last dataset's decoded frame (in the data
  // worker, the cache the balance API shares).
  const loadMeta = (id: string) => readDatasetMeta(deps.store, id);
  const loadFrame = async (meta: DatasetMeta): Promise<Frame> => (await frames.frame(meta)).frame;

  function checker(jobId: string | undefined, what: string) {
    return async () => {
      await yieldToEventLoop();
      if (jobId !== undefined && cancelledJobs.has(jobId)) {
        throw new BenchtopError(
          'cancelled',
          `${what} was cancelled.${what.startsWith('Applying') ? ' Nothing was stored.' : ''}`,
        );
      }
    };
  }

  return {
    /** The auto-prepare recipe for predicting `target` in a stored dataset. */
    async autoRecipe(
      datasetId: string,
      target: string,
      options: AutoRecipeOptions = {},
    ): Promise<Recipe> {
      try {
        const meta = await loadMeta(datasetId);
        return autoRecipe(meta.schema, meta.profile, target, {
          name: `Auto: ${meta.name}`,
          ...options,
        });
      } catch (err) {
        throw toBenchtopError(err, 'Could not build the automatic recipe').toJSON();
      }
    },

    /** Suggested roles (ignored columns, date, group) and, with a target, the task it implies. */
    async suggestRoles(
      datasetId: string,
      target: string | null = null,
    ): Promise<ColumnSuggestions> {
      try {
        const meta = await loadMeta(datasetId);
        const out: ColumnSuggestions = suggestRoles(meta.schema, meta.profile, target);
        const column = meta.profile.columns.find((c) => c.name === target);
        if (column) out.task = suggestTask(column);
        return out;
      } catch (err) {
        throw toBenchtopError(err, 'Could not suggest column roles').toJSON();
      }
    },

    /**
     * What every step of the recipe does to the whole dataset (see src/core/recipe/preview.ts).
     * A step that cannot be fitted comes back with `error` set, and the steps after it are left out.
     * `jobId` comes first, as in importData: cancel(jobId) stops it between steps.
     */
    async previewRecipe(
      jobId: string,
      datasetId: string,
      recipeJson: unknown,
      options: Omit<PreviewOptions, 'seed'> = {},
      onProgress?: (p: PrepProgress) => void,
    ): Promise<StepPreview[]> {
      const check = checker(jobId, 'The preview');
      try {
        const recipe = parseRecipe(recipeJson);
        onProgress?.({ phase: 'loading' });
        const frame = await loadFrame(await loadMeta(datasetId));
        checkRecipeData(frame, recipe);
        const out: StepPreview[] = [];
        const total = recipe.steps.length;
        const steps = previewSteps(recipeInput(frame, recipe), recipe.steps, {
          ...options,
          seed: recipe.seed,
        });
        for (;;) {
          // Step by step, so the UI can say which one is running (each is one event-loop turn).
          onProgress?.({ phase: 'previewing', done: out.length, total });
          await check();
          const next = steps.next();
          if (next.done) break;
          out.push(next.value);
        }
        return out;
      } catch (err) {
        throw toBenchtopError(err, 'Could not preview the recipe').toJSON();
      } finally {
        cancelledJobs.delete(jobId);
      }
    },

    /**
     * Fits the recipe on the whole dataset, applies it (filters included) and stores the result as
     * a new dataset named `name`, with lineage {from: datasetId, recipe}. Stores nothing on failure
     * or cancel.
     */
    async applyRecipe(
      datasetId: string,
      recipeJson: unknown,
      name: string,
      jobId?: string,
      onProgress?: (p: PrepProgress) => void,
    ): Promise<PreparedDatasetMeta> {
      const check = checker(jobId, 'Applying the recipe');
      try {
        const recipe = parseRecipe(recipeJson);
        onProgress?.({ phase: 'loading' });
        const source = await loadMeta(datasetId);
        const frame = await loadFrame(source);
        const fit = await fitRecipe(frame, recipe, {
          beforeStep: async (done, total) => {
            onProgress?.({ phase: 'fitting', done, total });
            await check();
          },
        });
        const table = frameToTable(fit.frame);
        const schema = frameSchema(fit.frame);
        const notes = [
          `Prepared from "${source.name}" with ${recipe.steps.length} step${recipe.steps.length === 1 ? '' : 's'}: ${frame.rows.toLocaleString('en-US')} rows in, ${fit.frame.rows.toLocaleString('en-US')} out.`,
          ...fit.fitted
            .map((f, i) => {
              const state = f.state as { dropped?: unknown };
              return typeof state.dropped === 'number' && state.dropped > 0
                ? `Step ${i + 1} (${getStep(f.spec.kind).title}) removed ${state.dropped.toLocaleString('en-US')} rows.`
                : null;
            })
            .filter((n): n is string => n !== null),
        ];
        if (recipe.roles.ignored.length > 0) {
          notes.push(`Left out: ${recipe.roles.ignored.map((c) => `'${c}'`).join(', ')}.`);
        }
        const report: IngestReport = {
          format: 'arrow',
          rows: table.numRows,
          columns: schema.length,
          renamedHeaders: [],
          raggedRows: { count: 0, lines: [], expected: schema.length, examples: [] },
          strayValues: {},
          notes,
        };
        const profile = profileTable(table, schema, report);
        await check();
        const ipc = tableToIPC(table, 'file');
        const trimmed = name.trim();
        const meta: PreparedDatasetMeta = {
          id: deps.newId(),
          name: trimmed === '' ? `${source.name} (prepared)` : trimmed,
          createdAt: deps.now(),
          source: {
            name: source.source.name,
            size: ipc.byteLength,
            sha256: bytesToHex(sha256(ipc)),
            format: 'arrow',
          },
          rows: table.numRows,
          cols: schema.length,
          schema,
          profile,
          report,
          storedBytes: ipc.byteLength,
          lineage: {
            from: source.id,
            fromName: source.name,
            fromSha256: source.source.sha256,
            recipe,
          },
        };
        await check();
        onProgress?.({ phase: 'storing' });
        await deps.store.putDataset(meta, ipc);
        return meta;
      } catch (err) {
        throw toBenchtopError(err, 'Could not apply the recipe').toJSON();
      } finally {
        if (jobId !== undefined) cancelledJobs.delete(jobId);
      }
    },

    cancel(jobId: string): void {
      cancelledJobs.add(jobId);
    },

    /** Forgets the decoded frame of a dataset (after a delete). */
    evict(id: string): void {
      frames.evict(id);
    },
  };
}

export type PrepApi = ReturnType<typeof createPrepApi>;
