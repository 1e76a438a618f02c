// tfjs for Node (the CLI and the tests): tfjs-core with the wasm backend, which runs in Node
// (DESIGN.md §4; @tensorflow/tfjs-node cannot be installed here), and cpu as the fallback. Pure:
// no DOM and no node:* imports, the backend packages are imported only when this is called, so
// the browser bundle never pulls them in through core.
import * as tf from '@tensorflow/tfjs-core';
import {
  activateBackend,
  planBackends,
  type ActiveBackend,
  type BackendOverride,
} from '../backend';
import type { Tf } from './types';

let imported: Promise<unknown> | undefined;

/** tfjs-core on wasm (or what `override` asks for, falling back to wasm then cpu). */
export async function nodeTf(
  override: BackendOverride = 'auto',
): Promise<{ tf: Tf; backend: ActiveBackend }> {
  imported ??= Promise.all([
    import('@tensorflow/tfjs-backend-cpu'),
    import('@tensorflow/tfjs-backend-wasm'),
  ]);
  await imported;
  const plan = planBackends(
    {
      webgpu: { available: false, isFallbackAdapter: false },
      wasm: true,
      webgl: false,
      isolated: false,
    },
    override,
  );
  return { tf, backend: await activateBackend(tf, plan.order) };
}
