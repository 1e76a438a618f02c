// Public surface of the metrics: scikit-learn-compatible classification and regression scores,
// curves, the confusion matrix, the per-set reports and the binary threshold chooser.
export { accuracy } from './accuracy';
export {
  averagePrecision,
  averagePrecisionOvr,
  precisionRecallCurve,
  type PrCurve,
} from './average-precision';
export { balancedAccuracy } from './balanced-accuracy';
export { addConfusion, confusionMatrix, type ConfusionMatrix } from './confusion';
export { argmaxRows, type MaybeMetric, type Probabilities } from './input';
export { logLoss } from './log-loss';
export { mcc } from './mcc';
export {
  classScores,
  precisionRecallF1,
  type Average,
  type PrecisionRecallF1,
} from './precision-recall-f1';
export { mae, mse, r2, rmse } from './regression';
export {
  CLASSIFICATION_METRICS,
  LOWER_IS_BETTER,
  MULTICLASS_EXTRA_METRICS,
  REGRESSION_METRICS,
  classificationReport,
  regressionReport,
  type ClassCurves,
  type ClassificationOptions,
  type ClassificationReport,
  type RegressionReport,
} from './report';
export { rocAuc, rocAucOvr, rocCurve, trapezoid, type RocCurve } from './roc';
export {
  chooseThreshold,
  metricsAtThreshold,
  type ChosenThreshold,
  type ThresholdCriterion,
  type ThresholdMetrics,
} from './threshold';
