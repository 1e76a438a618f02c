// mlp: a multi-layer perceptron classifier (scikit-learn's MLPClassifier defaults, see
// ./mlp-shared.ts): one sigmoid output for two classes, softmax over k outputs for more, trained
// on the weighted log-loss; class weights as logistic regression's.
import type { Head } from './layers';
import { fitMlp, MLP_DEFAULTS, MLP_PARAMS, type MlpParams } from './mlp-shared';
import { defineModel } from './registry-types';

type Params = MlpParams & { classWeight: string };

export const mlp = defineModel<Params>({
  kind: 'mlp',
  task: 'classification',
  title: 'Neural network (MLP) classifier',
  description:
    'Fully connected hidden layers trained with Adam, as scikit-learn’s MLPClassifier (100 relu units by default). Standard-scale the features first.',
  params: {
    ...MLP_PARAMS,
    classWeight: {
      type: 'choice',
      label: 'Class weights',
      help: '“balanced” weighs each class by rows / (classes × class rows).',
      options: ['none', 'balanced'],
    },
  },
  defaults: { ...MLP_DEFAULTS, classWeight: 'none' },
  async fit(tf, params, data, ctx) {
    const head: Head = data.classes === 2 ? 'binary' : 'multiclass';
    return fitMlp(tf, params, data, head, data.y, params.classWeight, ctx);
  },
});
