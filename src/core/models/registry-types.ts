// What one model kind declares (one file per kind, like the steps): its settings with defaults,
// the task it solves, and its fit. src/core/models/index.ts turns a fit into a TrainedModel.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { JsonObject } from '../steps/types';
import type { CheckedData } from './data';
import type { EpochReport, ModelKind, ModelParamSpec, ModelTask, Tf } from './types';

export interface ModelFitContext {
  seed: number;
  rng: () => number;
  onEpoch?: (r: EpochReport) => void;
  isCancelled?: () => boolean;
}

export interface ModelFitResult {
  model: LayersModel;
  iterations: number;
  converged: boolean;
  stopReason: string;
  finalLoss: number;
  lossCurve: number[];
  valLossCurve?: number[];
}

export interface ModelDefinition<P extends JsonObject = JsonObject> {
  readonly kind: ModelKind;
  readonly task: ModelTask;
  /** Short name for menus ("Logistic regression"). */
  readonly title: string;
  /** One or two sentences for the UI and the CLI's help. */
  readonly description: string;
  readonly params: { readonly [K in keyof P]: ModelParamSpec };
  readonly defaults: P;
  /** Rules across settings, as human messages (the declared ones are already checked). */
  check?(params: P): string[];
  fit(tf: Tf, params: P, data: CheckedData, ctx: ModelFitContext): Promise<ModelFitResult>;
}

export function defineModel<P extends JsonObject>(d: ModelDefinition<P>): ModelDefinition<P> {
  return d;
}
