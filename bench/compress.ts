// Issue 6's compression figures: on held-out rows of real datasets (vega-datasets' penguins and
// seattle-weather, scikit-learn's breast_cancer in tests/fixtures/cv), a logistic regression and an
// MLP trained with trainFinal on tfjs wasm, then each variant as a bundle stores it (float32,
// float16, uint8 with its levels calibrated on the training split as a bundle export does,
// 50%-pruned + 3 fine-tuning epochs), decoded by stock tfjs and scored: weights
// size ratio to float32, deflated size, held-out accuracy and its drop in points. Three seeded
// 75 / 25 splits per dataset; the figure is the worst drop over the splits.
//
//   npm run bench -- --only compress
import { readFileSync } from 'node:fs';
import { frameFromTable, takeRows, type Frame } from '../src/core/data/frame';
import { profileTable } from '../src/core/data/profile';
import { compressionTable, preparedRows, type CompressionRow } from '../src/core/compress';
import { trainFinal } from '../src/core/evaluate';
import { bytesSource, ingest } from '../src/core/ingest';
import { nodeTf } from '../src/core/models/node-tf';
import { autoRecipe, type Recipe } from '../src/core/recipe';
import { createRng } from '../src/core/rng';
import { range, shuffleInPlace } from '../src/core/split/keys';

export const COMPRESS_DATASETS = [
  { name: 'penguins', path: 'tests/fixtures/cv/penguins.csv', target: 'Species' },
  {
    name: 'seattle-weather',
    path: 'node_modules/vega-datasets/data/seattle-weather.csv',
    target: 'weather',
  },
  { name: 'breast_cancer', path: 'tests/fixtures/cv/breast_cancer.csv', target: 'target' },
] as const;

const MODELS: { name: string; spec: Recipe['model'] }[] = [
  { name: 'logreg', spec: { kind: 'logreg', params: {} } },
  { name: 'mlp[32]', spec: { kind: 'mlp', params: { hiddenLayers: [32], epochs: 100 } } },
];

export interface CompressFigure {
  dataset: string;
  model: string;
  splits: number;
  variants: {
    variant: CompressionRow['variant'];
    weightBytes: number;
    ratio: number;
    zippedBytes: number;
    meanAccuracy: number;
    worstDrop: number;
  }[];
}

function split(frame: Frame, seed: number): { train: Frame; test: Frame } {
  const idx = range(frame.rows);
  shuffleInPlace(idx, createRng(seed));
  const cut = Math.floor(frame.rows * 0.75);
  return { train: takeRows(frame, idx.slice(0, cut)), test: takeRows(frame, idx.slice(cut)) };
}

export async function benchCompress(splits = 3): Promise<CompressFigure[]> {
  const { tf } = await nodeTf('wasm');
  const out: CompressFigure[] = [];
  for (const d of COMPRESS_DATASETS) {
    const bytes = new Uint8Array(readFileSync(d.path));
    const r = await ingest(bytesSource(d.path.split('/').pop()!, bytes));
    const frame = frameFromTable(r.table, r.schema);
    const auto = autoRecipe(r.schema, profileTable(r.table, r.schema, r.report), d.target);
    for (const m of MODELS) {
      const recipe: Recipe = { ...auto, model: m.spec };
      const rows: CompressionRow[][] = [];
      for (let s = 0; s < splits; s++) {
        const { train, test } = split(frame, 100 + s);
        const final = await trainFinal(tf, train, recipe);
        try {
          const trainRows = preparedRows(final, train);
          const table = await compressionTable(tf, final.model, preparedRows(final, test), {
            sparsity: 0.5,
            calibration: trainRows,
            fineTune: { ...trainRows, classes: final.labels!.labels.length },
            fineTuneOptions: { epochs: 3, seed: s },
          });
          rows.push(table.rows);
        } finally {
          final.model.dispose();
        }
      }
      out.push({
        dataset: d.name,
        model: m.name,
        splits,
        variants: rows[0].map((first, k) => ({
          variant: first.variant,
          weightBytes: first.weightBytes,
          ratio: first.ratio,
          zippedBytes: first.zippedBytes,
          meanAccuracy: rows.reduce((a, t) => a + t[k].value, 0) / rows.length,
          worstDrop: Math.max(...rows.map((t) => t[k].drop)),
        })),
      });
    }
  }
  return out;
}
