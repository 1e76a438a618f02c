// Public surface of evaluation: cross-validation over a recipe with an injected model trainer,
// the label mapping, the prepared frame -> feature matrix helper, and summaries over folds.
export {
  crossValidate,
  resolveValidation,
  type CrossValidateOptions,
  type CrossValidationResult,
  type CvProgress,
  type EpochReport,
  type FoldModel,
  type FoldResult,
  type ModelTrainer,
  type ResampleContext,
  type ResampleHook,
  type Stage,
  type TrainerOptions,
  type TrainingData,
} from './cross-validate';
export { encodeTarget, labelMapping, regressionTarget, type LabelMapping } from './labels';
export { toMatrix, type FeatureMatrix, type MatrixOptions } from './matrix';
export {
  meanCurves,
  summarize,
  type MeanClassCurves,
  type MeanCurve,
  type MetricSummary,
} from './summary';
