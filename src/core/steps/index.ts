// Public surface of the preparation steps: the contract types, the registry, fitting and replay,
// and the JSON form of fitted steps. Other modules (recipes, cross-validation, bundles, the CLI)
// import from here rather than from individual step files.
export type {
  FitContext,
  FittedStep,
  JsonObject,
  JsonValue,
  ParamSpec,
  StateValue,
  StepDefinition,
  StepExample,
  StepRole,
  StepSpec,
  StepState,
  TypedArray,
} from './types';
export { defineStep, stepInputs, describeKinds, NUMERIC, CATEGORICAL, ANY_KIND } from './define';
export {
  describeSteps,
  getStep,
  hasStep,
  listSteps,
  parseStepSpecs,
  registerStep,
  resolveSpec,
  type StepInfo,
} from './registry';
export {
  applySteps,
  applyToRow,
  applyToRows,
  fitStep,
  fitSteps,
  inferenceSteps,
  isFilter,
  type FitStepsResult,
} from './pipeline';
export { decodeFitted, decodeState, encodeFitted, encodeState } from './state-json';
export { ONEHOT_HARD_LIMIT, OTHER_LABEL, onehotName } from './encode-onehot';
export { ORDINAL_UNKNOWN } from './encode-ordinal';
