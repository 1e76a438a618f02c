// MODEL_CARD.md: the sections of Mitchell et al., "Model Cards for Model Reporting" (FAT* 2019),
// filled from what the manifest knows, and saying plainly what Benchtop cannot know (who the model
// is for, which groups it was checked on). A person exporting a model can add a description; the
// rest is generated, so the card never claims more than the manifest holds.
import type { DeployManifest } from './deploy';

function fmt(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits);
}

function list(items: string[], max = 30): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function modelCard(m: DeployManifest): string {
  const task = m.model.task;
  const features = m.input.columns.filter((c) => c.role === 'feature');
  const lines: string[] = [];
  const p = (s = '') => lines.push(s);

  p(`# Model card: ${m.model.name} ${m.model.version}`);
  p();
  p('## Model details');
  p();
  p(
    `- Model: \`${String(m.model.spec.kind)}\` with settings \`${JSON.stringify(m.model.spec.params)}\`.`,
  );
  p(
    `- Task: ${task}, predicting \`${m.target.name}\`${m.target.labels ? ` (${m.target.labels.length} classes: ${list(m.target.labels.map((l) => `\`${l}\``))})` : ''}.`,
  );
  p(
    `- Created ${m.created} with Benchtop (${Object.entries(m.libraries)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); seed ${m.seed}.`,
  );
  p(
    `- Preparation replayed on every input row: ${m.steps.length === 0 ? 'none' : m.steps.map((s) => `\`${String((s.spec as { kind?: unknown }).kind)}\``).join(' → ')}.`,
  );
  if (m.training.sampler)
    p(
      `- Training rows were rebalanced with \`${String(m.training.sampler.kind)}\` (training only; never applied to predictions).`,
    );
  p(
    `- Weights: ${m.quantization.dtype === 'none' ? 'float32' : `quantized to ${m.quantization.dtype}`}${m.quantization.calibration ? ` (levels chosen by GPTQ on ${m.quantization.calibration.rows} training rows)` : ''}${m.quantization.pruning ? `, ${Math.round(m.quantization.pruning.sparsity * 100)}% of kernel weights pruned${m.quantization.pruning.fineTuned ? ' and fine-tuned' : ''}` : ''}.`,
  );
  if (m.model.description) p(`- Description (from its author): ${m.model.description}`);
  p();
  p('## Intended use');
  p();
  p(
    `- Predicting \`${m.target.name}\` for new rows shaped like the training data (${features.length} input columns, listed below).`,
  );
  p(
    '- Its author has not recorded the intended users or uses beyond the description above. Benchtop cannot know them: check with the author before relying on it for decisions about people.',
  );
  p(
    '- Out of scope: data from another population, time or source than the training data, and columns outside the ranges listed below.',
  );
  p();
  p('## Factors');
  p();
  p(
    '- Benchtop did not evaluate the model separately for groups (demographic, environmental or instrument factors). Performance may differ between groups; nothing here shows it does not.',
  );
  const cats = features.filter(
    (c) => c.categories && c.categories.length > 0 && c.categories.length <= 20,
  );
  if (cats.length > 0)
    p(
      `- Categorical inputs whose groups may be worth checking: ${list(cats.map((c) => `\`${c.name}\``))}.`,
    );
  p();
  p('## Metrics');
  p();
  p(
    task === 'classification'
      ? '- Accuracy, balanced accuracy, precision / recall / F1 (binary: the positive class; multiclass: macro averages), ROC-AUC, PR-AUC and log loss.'
      : '- Mean squared error, root mean squared error, mean absolute error and R².',
  );
  if (m.target.positive) p(`- Positive class: \`${m.target.positive}\`.`);
  p();
  p('## Evaluation data');
  p();
  if (m.metrics.cv) {
    p(
      `- Cross-validation on the training data (${m.metrics.cv.folds} folds${m.metrics.cv.validation ? `, \`${JSON.stringify(m.metrics.cv.validation)}\`` : ''}), with every step fitted inside each training fold.`,
    );
  } else {
    p('- No cross-validation was recorded for this model.');
  }
  if (m.metrics.holdout) p(`- A held-out set of ${m.metrics.holdout.rows} rows.`);
  if (!m.metrics.cv && !m.metrics.holdout)
    p('- Without an evaluation, how well this model predicts is unknown.');
  p();
  p('## Training data');
  p();
  p(
    `- ${m.training.rows} rows${m.data.source.name ? ` from \`${m.data.source.name}\`` : ''}; ${m.training.fittedRows} rows reached the model after preparation${m.training.sampler ? ' and resampling' : ''}.`,
  );
  p(
    `- Fingerprint (sha256 of the training values): \`${m.data.fingerprint}\`${m.data.source.sha256 ? `; source file sha256 \`${m.data.source.sha256}\`` : ''}.`,
  );
  if (m.target.labels && m.target.counts) {
    p(
      `- Rows per class: ${m.target.labels.map((l, i) => `\`${l}\` ${m.target.counts![i]}`).join(', ')}.`,
    );
  }
  p();
  p('| input column | kind | training values | missing |');
  p('| --- | --- | --- | --- |');
  for (const c of features) {
    const values = c.range
      ? `${fmt(c.range.min, 4)} to ${fmt(c.range.max, 4)}`
      : c.categories
        ? list(
            c.categories.map((v) => `\`${v}\``),
            8,
          )
        : 'many distinct values';
    p(`| \`${c.name}\` | ${c.kind} | ${values} | ${c.missing} |`);
  }
  p();
  p('## Quantitative analyses');
  p();
  if (m.metrics.cv && Object.keys(m.metrics.cv.summary).length > 0) {
    p('| metric | cross-validation mean | std |');
    p('| --- | --- | --- |');
    for (const [k, s] of Object.entries(m.metrics.cv.summary))
      p(`| ${k} | ${fmt(s.mean)} | ${fmt(s.std)} |`);
    p();
  }
  if (m.metrics.holdout) {
    p('| metric | held out |');
    p('| --- | --- |');
    for (const [k, v] of Object.entries(m.metrics.holdout.values)) p(`| ${k} | ${fmt(v)} |`);
    p();
  }
  if (!m.metrics.cv && !m.metrics.holdout) p('- None recorded.');
  p('- No analysis per group or per intersection of groups was done.');
  p();
  p('## Ethical considerations');
  p();
  p(
    '- The training data never left the machine it was trained on; this bundle holds no training rows, only the summary statistics above (ranges, category lists, decile counts). Category lists can still reveal values that occur in the data: review them before sharing the bundle.',
  );
  p(
    '- Benchtop does not know whether the data describes people, whether sensitive attributes are among the inputs or are proxied by them, or what harm a wrong prediction could cause. Whoever deploys the model must answer those questions.',
  );
  p();
  p('## Caveats and recommendations');
  p();
  p(
    '- Predictions are only as good as the match between new rows and the training data: inputs outside the ranges above, unseen categories (treated as the encoder treats them: all-zero indicators or the "(other)" column) and missing values (filled as in training) all make predictions less reliable.',
  );
  p(
    '- Compare new data with the training profile in manifest.json (`data.profile`) to detect drift, and retrain when it moves.',
  );
  if (m.training.converged === false)
    p(`- Training did not converge: ${m.training.stopReason ?? 'no reason recorded'}.`);
  if (m.quantization.dtype !== 'none')
    p(
      '- Quantized weights change predictions slightly; the held-out drop measured at export is recorded by whoever chose the quantization.',
    );
  p(
    "- Check `manifest.json`'s hashes (Benchtop does on import) and, when present, its signature before trusting this file.",
  );
  p();
  return lines.join('\n');
}
