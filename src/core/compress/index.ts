// Model compression (DESIGN.md §6): float16 / uint8 weight quantization written in tfjs's own
// weightsManifest format (quantize.ts; stock tf.loadLayersModel decodes it), magnitude pruning with
// optional fine-tuning (prune.ts), and the size-vs-held-out-metric table with its guard
// (table.ts). Usage after trainFinal on a training split:
//   const heldOut = preparedRows(final, testFrame);
//   const table = await compressionTable(tf, final.model, heldOut, {
//     limit: 1, sparsity: 0.5, fineTune: trainingSet,   // fineTune optional
//   });
//   table.rows  // [{variant: 'none' | 'float16' | 'uint8' | 'pruned', weightBytes, ratio, value, drop, flagged}]
// writeBundle({..., quantization: 'uint8'}) quantizes by itself; for a pruned bundle pass
// `artifacts: table.pruned` and `pruning: {sparsity, fineTuned}`.
export {
  dequantizedWeights,
  fromFloat16Bits,
  quantizeArtifacts,
  splitWeights,
  toFloat16Bits,
  uint8Range,
  withWeights,
  type QuantizeDtype,
  type QuantizeOptions,
  type Uint8Codes,
} from './quantize';
export {
  calibratedUint8,
  quantizeUint8Calibrated,
  type CalibrationOptions,
  type CalibrationRows,
} from './calibrate';
export { fineTunePruned, pruneArtifacts, type FineTuneOptions, type PruneResult } from './prune';
export {
  compressionTable,
  preparedRows,
  type CompressionOptions,
  type CompressionRow,
  type CompressionTable,
  type HeldOut,
  type Variant,
} from './table';
