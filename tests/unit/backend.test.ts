// The backend choice of DESIGN.md §4 (src/core/backend.ts): the order for each situation a device
// can be in, the user's override, and that activation trusts setBackend()'s boolean — a backend
// that resolves false, throws, or leaves tfjs on another backend falls through to the next one.
// The fall-through is tested with a fake tfjs module; the last test switches real tfjs in Node.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  activateBackend,
  planBackends,
  type BackendSwitch,
  type DetectedBackends,
} from '../../src/core/backend';
import { BenchtopError } from '../../src/core/errors';

const names = (d: DetectedBackends, o?: Parameters<typeof planBackends>[1]) =>
  planBackends(d, o).order.map((c) => c.name);

const device = (over: Partial<DetectedBackends> = {}): DetectedBackends => ({
  webgpu: { available: false, isFallbackAdapter: false },
  wasm: true,
  webgl: true,
  isolated: false,
  ...over,
});

describe('planBackends', () => {
  it('puts webgpu first on a hardware adapter, then wasm, webgl, cpu', () => {
    const plan = planBackends(device({ webgpu: { available: true, isFallbackAdapter: false } }));
    expect(plan.order.map((c) => c.name)).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
    expect(plan.skipped).toEqual([]);
    expect(plan.order[0].reason).toMatch(/hardware WebGPU adapter/);
  });

  it('leaves out a software (fallback) WebGPU adapter such as SwiftShader, and says why', () => {
    const plan = planBackends(device({ webgpu: { available: true, isFallbackAdapter: true } }));
    expect(plan.order.map((c) => c.name)).toEqual(['wasm', 'webgl', 'cpu']);
    expect(plan.skipped).toEqual([{ name: 'webgpu', reason: expect.stringMatching(/fallback/) }]);
  });

  it('without WebGPU: wasm, then webgl, then cpu', () => {
    const plan = planBackends(device());
    expect(plan.order.map((c) => c.name)).toEqual(['wasm', 'webgl', 'cpu']);
    expect(plan.skipped[0]).toEqual({ name: 'webgpu', reason: 'no WebGPU adapter' });
  });

  it('marks wasm threaded only when the page is cross-origin isolated', () => {
    const single = planBackends(device()).order[0];
    const threaded = planBackends(device({ isolated: true })).order[0];
    expect(single).toMatchObject({ name: 'wasm', threads: false });
    expect(single.reason).toMatch(/single-threaded/);
    expect(threaded).toMatchObject({ name: 'wasm', threads: true });
    expect(threaded.reason).toMatch(/threaded: cross-origin isolated/);
  });

  it('falls back to webgl, then cpu, when WebAssembly or WebGL is missing', () => {
    expect(names(device({ wasm: false }))).toEqual(['webgl', 'cpu']);
    expect(names(device({ wasm: false, webgl: false }))).toEqual(['cpu']);
    const plan = planBackends(device({ wasm: false, webgl: false }));
    expect(plan.skipped.map((s) => s.name)).toEqual(['webgpu', 'wasm', 'webgl']);
  });

  it('puts the override first, with the automatic order behind it as the fallback', () => {
    const hw = device({ webgpu: { available: true, isFallbackAdapter: false } });
    expect(names(hw, 'cpu')).toEqual(['cpu', 'webgpu', 'wasm', 'webgl']);
    expect(names(hw, 'webgl')).toEqual(['webgl', 'webgpu', 'wasm', 'cpu']);
    expect(names(hw, 'auto')).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
    const plan = planBackends(hw, 'cpu');
    expect(plan.order[0].reason).toBe('chosen by you');
    expect(plan.order[1].reason).toMatch(/fallback$/);
  });

  it('honours an override to a backend the detection ruled out (the person asked for it)', () => {
    // e.g. trying SwiftShader WebGPU on purpose, as the e2e test does.
    const sw = device({ webgpu: { available: true, isFallbackAdapter: true } });
    const plan = planBackends(sw, 'webgpu');
    expect(plan.order.map((c) => c.name)).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
    expect(plan.skipped).toEqual([]);
    expect(planBackends(device({ isolated: true }), 'wasm').order[0]).toMatchObject({
      name: 'wasm',
      threads: true,
    });
  });

  it('is a pure function of its inputs', () => {
    const d = device({ isolated: true });
    expect(planBackends(d, 'webgl')).toEqual(planBackends(structuredClone(d), 'webgl'));
  });
});

/** A tfjs stand-in: each backend either switches, resolves false, throws, or lies. */
function fakeTf(behaviour: Record<string, 'ok' | 'false' | 'throw' | 'stays'>): BackendSwitch & {
  calls: string[];
} {
  let current = 'cpu-initial';
  const calls: string[] = [];
  return {
    calls,
    async setBackend(name: string) {
      calls.push(name);
      const b = behaviour[name] ?? 'false';
      if (b === 'throw') throw new Error(`Backend name '${name}' not found in registry`);
      if (b === 'false') return false;
      if (b === 'ok') current = name;
      return true;
    },
    getBackend: () => current,
  };
}

describe('activateBackend', () => {
  const order = planBackends(
    device({ webgpu: { available: true, isFallbackAdapter: false } }),
  ).order;

  it('uses the first backend that really switches', async () => {
    const tfFake = fakeTf({ webgpu: 'ok', wasm: 'ok' });
    const active = await activateBackend(tfFake, order);
    expect(active).toMatchObject({ name: 'webgpu', failed: [] });
    expect(tfFake.calls).toEqual(['webgpu']);
  });

  it('falls through when setBackend resolves false (no adapter), and says so', async () => {
    const tfFake = fakeTf({ webgpu: 'false', wasm: 'ok' });
    const active = await activateBackend(tfFake, order);
    expect(active.name).toBe('wasm');
    expect(active.failed).toEqual([{ name: 'webgpu', error: 'setBackend returned false' }]);
    expect(active.reason).toMatch(/webgpu could not start/);
    expect(tfFake.calls).toEqual(['webgpu', 'wasm']);
  });

  it('falls through when setBackend throws or tfjs stays on another backend', async () => {
    const tfFake = fakeTf({ webgpu: 'throw', wasm: 'stays', webgl: 'ok' });
    const active = await activateBackend(tfFake, order);
    expect(active.name).toBe('webgl');
    expect(active.failed.map((f) => f.name)).toEqual(['webgpu', 'wasm']);
    expect(active.failed[0].error).toMatch(/not found in registry/);
    expect(active.failed[1].error).toMatch(/tfjs reports 'cpu-initial'/);
  });

  it('throws a BenchtopError naming every failure when nothing starts', async () => {
    const err = await activateBackend(fakeTf({}), order).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BenchtopError);
    expect((err as BenchtopError).message).toMatch(/webgpu: .*wasm: .*webgl: .*cpu: /);
  });

  it('switches real tfjs in Node: wasm starts, an unregistered webgpu falls through', async () => {
    // tfjs-backend-webgpu is not imported here, so tfjs has no 'webgpu' backend: the override
    // fails (throws inside tfjs) and the plan falls back to wasm.
    const plan = planBackends(device({ webgl: false }), 'webgpu');
    const active = await activateBackend(tf, plan.order);
    expect(active.name).toBe('wasm');
    expect(active.failed.map((f) => f.name)).toEqual(['webgpu']);
    expect(tf.getBackend()).toBe('wasm');
    const cpu = await activateBackend(tf, planBackends(device(), 'cpu').order);
    expect(cpu.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
