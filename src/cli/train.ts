// `benchtop train`: trains the final model on every row of a data file (the recipe's steps, its
// sampler and model, exactly as a training fold is trained) and writes it as a directory:
//   <out>/model/model.json + <out>/model/weights.bin   stock tfjs layers format (tf.loadLayersModel)
//   <out>/benchtop-model.json                          fitted steps (src/core/steps/state-json.ts),
//                                                      label mapping, features, recipe, metrics...
// until the model-bundle issue adds the .benchtop.zip. By default it cross-validates first with
// the same options, so the metrics travel with the model (--skip-cv to train only). Written into a
// temporary directory next to --out and renamed at the end: a failure leaves nothing half-written.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BenchtopError } from '../core/errors';
import { runCrossValidation, trainFinal } from '../core/evaluate';
import type { ByteSource } from '../core/ingest/types';
import { saveModelArtifacts, WEIGHTS_FILE } from '../core/models';
import { recipeInput, serializeRecipe } from '../core/recipe';
import { encodeFitted, getStep } from '../core/steps';
import type { JsonObject, JsonValue } from '../core/steps/types';
import { JOB_OPTIONS, cvOutput, loadJob, startTf, type CvOutput, type JobArgs } from './cv';
import { PrepareUsageError } from './prepare';

export const TRAIN_USAGE = `Usage: benchtop train <data> --target COL --out <dir> [options]

Trains the model on every row of <data> (the recipe's steps, then the sampler, then the model, as
in a training fold) and writes a directory: model/model.json + model/weights.bin (stock tfjs
layers format: tf.loadLayersModel reads it) and benchtop-model.json (the fitted steps, label
mapping, feature names, recipe, cross-validation metrics, seed and backend). By default it
cross-validates first with the same options, so the metrics travel with the model.

Options:
  --out DIR             the directory to write (created; an earlier benchtop train output there
                        is replaced, anything else is refused)
  --skip-cv             train only, without cross-validating first
${JOB_OPTIONS}
  --json                print one JSON object: {out, target, task, rows, fittedRows, features,
                        classes, model, sampler, metrics, backend, seconds, files}
  -h, --help            show this help
`;

export const MODEL_FILE = 'benchtop-model.json';
export const MODEL_FORMAT = 'benchtop.model';
export const MODEL_FORMAT_VERSION = 1;

export interface TrainArgs extends JobArgs {
  out: string;
  skipCv?: boolean;
}

/** What `benchtop train --json` prints. */
export interface TrainOutput {
  out: string;
  file: string;
  target: string;
  task: string;
  rows: number;
  fittedRows: number;
  features: string[];
  classes: { label: string; rows: number }[] | null;
  positive: string | null;
  model: JsonObject;
  sampler: JsonObject | null;
  /** Cross-validation's mean ± std per metric (null with --skip-cv). */
  metrics: CvOutput['metrics'] | null;
  cvFolds: number | null;
  training: { iterations: number; converged: boolean; stopReason: string; finalLoss: number };
  backend: string;
  seed: number;
  seconds: number;
  files: string[];
  notes: string[];
}

/** Refuses to overwrite anything that is not an earlier `benchtop train` output. */
function checkOut(out: string, data: string): void {
  if (/\.zip$/i.test(out)) {
    throw new PrepareUsageError(
      `--out names a .zip, but this version writes a directory (model bundles come later): give a directory such as ${basename(out, '.zip')}/.`,
    );
  }
  if (resolve(out) === resolve(data))
    throw new PrepareUsageError('--out must not be the data file.');
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) {
    throw new PrepareUsageError(
      `--out ${out} is a file; give a directory to write the model into.`,
    );
  }
  const entries = readdirSync(out);
  if (entries.length > 0 && !entries.includes(MODEL_FILE)) {
    throw new PrepareUsageError(
      `--out ${out} is a directory that holds other files; give a new or empty directory (or an earlier benchtop train output, which is replaced).`,
    );
  }
}

function writeError(out: string, err: unknown): BenchtopError {
  const code = (err as { code?: unknown }).code;
  const why =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'its folder does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOSPC'
          ? 'the disk is full'
          : String(err);
  return new BenchtopError('invalid-argument', `cannot write ${out}: ${why}.`);
}

/** Runs `benchtop train`; `now` (milliseconds) is injectable for tests. */
export async function train(
  args: TrainArgs,
  open: (path: string) => Promise<ByteSource>,
  now: () => number = () => performance.now(),
): Promise<TrainOutput> {
  checkOut(args.out, args.data);
  const started = now();
  const job = await loadJob(args, open);
  const { tf } = await startTf(job.backend);
  let cv: CvOutput | null = null;
  if (!args.skipCv) {
    const r = await runCrossValidation(tf, job.frame, job.recipe, {
      ...job.overrides,
      ...(job.positive !== undefined ? { positive: job.positive } : {}),
    });
    cv = cvOutput(job, r);
  }
  const { foldColumn, ...stages } = job.overrides;
  const final = await trainFinal(tf, job.frame, job.recipe, {
    ...stages,
    ...(foldColumn !== undefined ? { foldColumn } : {}),
    ...(job.positive !== undefined ? { positive: job.positive } : {}),
  });
  try {
    const artifacts = await saveModelArtifacts(tf, final.model.model);
    const info = final.model.info;
    const inputs = recipeInput(job.frame, job.recipe)
      .columns.filter((c) => c.name !== final.target)
      .map((c) => ({ name: c.name, kind: c.kind }));
    const manifest: JsonObject = {
      format: MODEL_FORMAT,
      version: MODEL_FORMAT_VERSION,
      source: job.file,
      target: final.target,
      task: final.task,
      labels: final.labels
        ? {
            classes: final.labels.labels,
            counts: final.labels.counts,
            positive: final.labels.positive,
          }
        : null,
      inputs,
      features: final.features,
      steps: final.fitted.fitted.map((f) => ({
        ...encodeFitted(f),
        role: getStep(f.spec.kind).role,
      })),
      recipe: JSON.parse(serializeRecipe(job.recipe)) as JsonValue,
      model: final.modelSpec as unknown as JsonObject,
      sampler: final.sampler as unknown as JsonObject | null,
      training: {
        rows: final.rows,
        fittedRows: final.fittedRows,
        iterations: info.iterations,
        converged: info.converged,
        stopReason: info.stopReason,
        finalLoss: info.finalLoss,
        seconds: info.seconds,
      },
      metrics: cv
        ? ({
            folds: cv.folds,
            validation: cv.validation,
            summary: cv.metrics,
            perFold: cv.perFold,
          } as unknown as JsonObject)
        : null,
      seed: final.seed,
      backend: tf.getBackend(),
      modelFiles: { topology: 'model/model.json', weights: `model/${WEIGHTS_FILE}` },
    };
    const out = resolve(args.out);
    const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
    try {
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(join(tmp, 'model'), { recursive: true });
      writeFileSync(join(tmp, 'model', 'model.json'), JSON.stringify(artifacts.modelJson));
      writeFileSync(join(tmp, 'model', WEIGHTS_FILE), new Uint8Array(artifacts.weightData));
      writeFileSync(join(tmp, MODEL_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      if (existsSync(out)) rmSync(out, { recursive: true, force: true });
      renameSync(tmp, out);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw writeError(args.out, err);
    }
    return {
      out: args.out,
      file: job.file,
      target: final.target,
      task: final.task,
      rows: final.rows,
      fittedRows: final.fittedRows,
      features: final.features,
      classes: final.labels
        ? final.labels.labels.map((label, c) => ({ label, rows: final.labels!.counts[c] }))
        : null,
      positive:
        final.labels && final.labels.positive !== null
          ? final.labels.labels[final.labels.positive]
          : null,
      model: final.modelSpec as unknown as JsonObject,
      sampler: final.sampler as unknown as JsonObject | null,
      metrics: cv ? cv.metrics : null,
      cvFolds: cv ? cv.folds : null,
      training: {
        iterations: info.iterations,
        converged: info.converged,
        stopReason: info.stopReason,
        finalLoss: info.finalLoss,
      },
      backend: tf.getBackend(),
      seed: final.seed,
      seconds: (now() - started) / 1000,
      files: ['model/model.json', `model/${WEIGHTS_FILE}`, MODEL_FILE],
      notes: [...(cv?.notes ?? []), ...final.notes],
    };
  } finally {
    final.model.dispose();
  }
}

function fmt(v: number): string {
  return Number.isNaN(v) ? '—' : v.toFixed(4);
}

export function renderTrain(o: TrainOutput): string {
  const lines = [
    `trained ${String(o.model.kind)} on ${o.file} -> ${o.out}: target '${o.target}' (${o.task}${o.classes ? `, ${o.classes.length} classes` : ''}), ${o.fittedRows.toLocaleString('en-US')} training rows, ${o.features.length} features; backend ${o.backend}; ${o.seconds.toFixed(2)} s`,
    `training: ${o.training.stopReason}${o.training.converged ? '' : ' (did not converge)'}`,
  ];
  if (o.metrics) {
    lines.push(`cross-validation (${o.cvFolds} folds):`);
    for (const [name, s] of Object.entries(o.metrics)) {
      lines.push(`  ${name.padEnd(18)} ${fmt(s.mean)} ± ${fmt(s.std)}`);
    }
  }
  lines.push(`wrote ${o.files.map((f) => join(o.out, f)).join(', ')}`);
  for (const note of o.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
