// Inference: the only part of core a bundle consumer needs (the browser's Predict view, the one-row
// form, `benchtop predict` / `benchtop serve`, the deploy/ server). Usage:
//
//   import { readBundle } from '../bundle';
//   import { loadPredictor } from '../inference';
//   const bundle = await readBundle(bytes);             // verified, nothing executed
//   const predictor = await loadPredictor(tf, bundle);  // tf: tfjs-core with a backend chosen
//   const { predictions, report } = await predictor.predictRows([{ 'Beak Length (mm)': 39.1, ... }]);
//   // classification: [{label: 'Adelie', probabilities: {Adelie: 0.97, ...}}]
//   // regression:     [{value: 4012.5}]
//   // report: {rows, extraColumns, unknownCategories, missingValues} (noticed, not refused)
//   predictor.dispose();
//
// `predictFrame(frame)` does the same for a Frame (a stored dataset, a CSV the CLI read): columns
// are matched by name, numbers <-> categories converted when a dataset's inferred kind differs.
// Refused with a BenchtopError naming the column: a required column that is absent (a key missing
// from a row; null is a missing value, filled as in training), a value of the wrong type ("abc" for
// a number column). Extra columns are ignored and listed in the report; unseen categories go where
// the encoder sends them (all-zero indicators, or the "(other)" column) and are listed too.
export {
  loadPredictor,
  quotedList,
  type InputReport,
  type Prediction,
  type PredictResult,
  type Predictor,
} from './predictor';
export type { InputColumn } from '../bundle/manifest';
