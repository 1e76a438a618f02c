// Public surface of the samplers (role 'resample', DESIGN.md §2): the contract types, the
// registry and `resample`, the class weights the model fit uses, and the neighbour search.
export type {
  AppendedRows,
  ClassCount,
  Origin,
  ResampleContext,
  ResampleResult,
  SamplerDefinition,
  SamplerExample,
  SamplerKind,
  SamplerParamSpec,
  SamplerSpec,
  SamplingStrategy,
} from './types';
export { ORIGINAL, REPEATED, SYNTHETIC } from './types';
export {
  describeSamplers,
  getSampler,
  hasSampler,
  listSamplers,
  parseSamplerSpec,
  resample,
  type ResampleOptions,
  type SamplerInfo,
} from './registry';
export { classWeights, frameClassWeights, type ClassWeightSpec } from './class-weights';
export {
  cleaningTargets,
  majorityClass,
  minorityClass,
  overSamplingTargets,
  readTarget,
  underSamplingTargets,
  type ClassTarget,
} from './strategy';
export {
  nearestNeighbours,
  squaredDistance,
  usesTf,
  type NeighbourPath,
  type Neighbours,
  type PointSet,
  type SearchOptions,
} from './neighbours';
export { simdAvailable } from './neighbours-simd';
export { medianStd } from './smote-nc';
export { appendedRows } from './shared';
export { tomekLinks } from './tomek';
