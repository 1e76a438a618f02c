// `benchtop train`: trains the final model on every row of a data file (the recipe's steps, its
// sampler and model, exactly as a training fold is trained) and writes it as a model bundle
// (DESIGN.md §6, src/core/bundle's writeBundle): one .benchtop.zip with the stock tfjs model
// (model/model.json + weights.bin, quantized with --quantize float16|uint8), manifest.json (input
// signature, fitted steps, label mapping, metrics, data fingerprint, sha256 of every file),
// MODEL_CARD.md and deploy/ (a standalone Node server, Dockerfile, Kubernetes manifests, an HTML
// embed). `benchtop predict` and `benchtop serve` read it. By default it cross-validates first with
// the same options, so the metrics travel with the model (--skip-cv to train only). Written to a
// temporary file next to --out and renamed at the end: a failure leaves nothing half-written.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import {
  QUANTIZATIONS,
  bundleInputFromFinal,
  isSemver,
  writeBundle,
  type Quantization,
} from '../core/bundle';
import { trainFinal } from '../core/evaluate';
import type { ByteSource } from '../core/ingest/types';
import { readZip } from '../core/bundle/zip';
import type { JsonObject } from '../core/steps/types';
import {
  JOB_OPTIONS,
  crossValidateJob,
  cvOutput,
  loadJob,
  openJob,
  startTf,
  type CvOutput,
  type JobArgs,
} from './cv';
import { benchtopVersion } from './args';
import { PrepareUsageError, writeFileAtomically } from './prepare';

export const TRAIN_USAGE = `Usage: benchtop train <data> --target COL --out <model.benchtop.zip> [options]

Trains the model on every row of <data> (the recipe's steps, then the sampler, then the model, as
in a training fold) and writes a model bundle: one .benchtop.zip holding model/model.json +
model/weights.bin (stock tfjs layers format: tf.loadLayersModel reads it), manifest.json (input
columns, fitted steps, label mapping, metrics, training-data fingerprint, sha256 of every file),
MODEL_CARD.md and deploy/ (a standalone Node server, Dockerfile, Kubernetes manifests, an HTML
embed). 'benchtop predict' and 'benchtop serve' use it. By default it cross-validates first with
the same options, so the metrics travel with the model.

Options:
  --out FILE            the bundle to write (a .zip, conventionally NAME.benchtop.zip; an existing
                        file there is replaced)
  --quantize Q          weight storage: none (float32, default), float16 or uint8 (about 2x / 4x
                        smaller; tfjs decodes them when loading)
  --name TEXT           the model's name in the manifest and model card (default: the target and
                        the data file)
  --model-version V     the model's semantic version (default 1.0.0)
  --skip-cv             train only, without cross-validating first
${JOB_OPTIONS}
  --json                print one JSON object: {out, target, task, rows, fittedRows, features,
                        classes, model, sampler, metrics, backend, seconds, bundle: {name, version,
                        quantization, bytes, files}}
  -h, --help            show this help
`;

export interface TrainArgs extends JobArgs {
  out: string;
  skipCv?: boolean;
  quantize?: string;
  name?: string;
  modelVersion?: string;
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
  bundle: {
    name: string;
    version: string;
    quantization: Quantization;
    /** Size of the .zip. */
    bytes: number;
    /** Paths inside the zip. */
    files: string[];
  };
  notes: string[];
}

/** Refuses an --out that is not a .zip file path we may replace. */
function checkOut(out: string, data: string): void {
  if (!/\.zip$/i.test(out)) {
    throw new PrepareUsageError(
      `--out must name the bundle file to write, ending in .zip (such as ${basename(out).replace(/[/\\]+$/, '') || 'model'}.benchtop.zip).`,
    );
  }
  if (resolve(out) === resolve(data))
    throw new PrepareUsageError('--out must not be the data file.');
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new PrepareUsageError(
      `--out ${out} is a directory; give the path of a .zip file to write.`,
    );
  }
}

/** sha256 of a file, streamed (the data file's fingerprint in the manifest). */
async function fileSha256(path: string): Promise<string | null> {
  try {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch {
    return null;
  }
}

/** Runs `benchtop train`; `now` (milliseconds) and `clock` (the bundle's time) are injectable. */
export async function train(
  args: TrainArgs,
  open: (path: string) => Promise<ByteSource>,
  now: () => number = () => performance.now(),
  clock: () => Date = () => new Date(),
): Promise<TrainOutput> {
  checkOut(args.out, args.data);
  const quantization = (args.quantize ?? 'none') as Quantization;
  if (!QUANTIZATIONS.includes(quantization)) {
    throw new PrepareUsageError(
      `--quantize must be one of ${QUANTIZATIONS.join(', ')} (got '${args.quantize}').`,
    );
  }
  if (args.name !== undefined && args.name.trim() === '') {
    throw new PrepareUsageError('--name must not be empty.');
  }
  const version = args.modelVersion ?? '1.0.0';
  if (!isSemver(version)) {
    throw new PrepareUsageError(
      `--model-version must be a semantic version such as 1.0.0 (got '${version}').`,
    );
  }
  const started = now();
  // The CV's folds run on --jobs threads (./fold-pool.ts); the final model is trained here.
  const { job, pool } = args.skipCv
    ? { job: await loadJob(args, open), pool: null }
    : await openJob(args, open);
  let cv: CvOutput | null = null;
  let tf;
  try {
    tf = (await startTf(job.backend)).tf;
    if (!args.skipCv) cv = cvOutput(job, await crossValidateJob(tf, job, pool));
  } finally {
    await pool?.close();
  }
  const { foldColumn, ...stages } = job.overrides;
  const final = await trainFinal(tf, job.frame, job.recipe, {
    ...stages,
    ...(foldColumn !== undefined ? { foldColumn } : {}),
    ...(job.positive !== undefined ? { positive: job.positive } : {}),
  });
  try {
    const info = final.model.info;
    const name = args.name?.trim() ?? `${final.target} (${job.file})`;
    // Split columns are never features: a request need not carry them.
    const unused = [foldColumn, job.recipe.roles.group, job.recipe.roles.date].filter(
      (c): c is string => typeof c === 'string',
    );
    const input = await bundleInputFromFinal(tf, final, job.frame, {
      name,
      version,
      created: clock().toISOString(),
      quantization,
      unusedColumns: unused,
      source: { name: job.file, sha256: await fileSha256(args.data) },
      libraries: { benchtop: benchtopVersion() },
      metrics: {
        cv: cv
          ? {
              folds: cv.folds,
              validation: cv.validation,
              summary: Object.fromEntries(
                Object.entries(cv.metrics).map(([k, v]) => [k, { mean: v.mean, std: v.std }]),
              ),
            }
          : null,
      },
    });
    const zip = await writeBundle(input);
    writeFileAtomically(args.out, [zip]);
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
      bundle: {
        name,
        version,
        quantization,
        bytes: zip.length,
        files: [...readZip(zip).keys()].sort(),
      },
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
  lines.push(
    `wrote ${o.out}: bundle '${o.bundle.name}' ${o.bundle.version}, ${o.bundle.files.length} files, ${(o.bundle.bytes / 1024).toFixed(1)} KB (weights ${o.bundle.quantization === 'none' ? 'float32' : o.bundle.quantization})`,
  );
  for (const note of o.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
