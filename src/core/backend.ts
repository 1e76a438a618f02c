// The tfjs backend choice of DESIGN.md §4, as data. The caller (a worker, the CLI) detects what
// the device has — a WebGPU adapter and whether it is a software fallback (SwiftShader), WASM,
// WebGL, cross-origin isolation — and registers the backend packages; core only ranks them and
// then tries them in order through the tfjs module it is given, trusting setBackend()'s boolean
// (without an adapter it resolves false and tfjs would silently keep another backend).
import { BenchtopError } from './errors';

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

/** What the caller found on this device. */
export interface DetectedBackends {
  webgpu: { available: boolean; isFallbackAdapter: boolean };
  wasm: boolean;
  webgl: boolean;
  /** crossOriginIsolated: SharedArrayBuffer, so the wasm backend can use threads. */
  isolated: boolean;
}

/** 'auto', or the backend the person picked in the UI / with the CLI's flag. */
export type BackendOverride = 'auto' | BackendName;

export interface BackendCandidate {
  name: BackendName;
  /** Why it is in this place ("a hardware WebGPU adapter is available"). */
  reason: string;
  /** wasm only: whether threads are expected (cross-origin isolated). */
  threads?: boolean;
}

export interface BackendPlan {
  /** Try these in order; cpu is always last, as it always works. */
  order: BackendCandidate[];
  /** Backends left out, and why (shown next to the active backend). */
  skipped: { name: BackendName; reason: string }[];
}

function wasmCandidate(d: DetectedBackends, reason: string): BackendCandidate {
  return {
    name: 'wasm',
    reason: `${reason}${d.isolated ? ' (threaded: cross-origin isolated)' : ' (single-threaded: not cross-origin isolated)'}`,
    threads: d.isolated,
  };
}

/**
 * DESIGN.md §4: webgpu when a real (non-fallback) adapter exists, else wasm (threaded when
 * isolated), else webgl, else cpu. A software WebGPU adapter is left out of the automatic order
 * (SwiftShader is ~50× slower than wasm here). An override goes first whatever was detected, the
 * automatic order follows as the fallback if it cannot start.
 */
export function planBackends(
  detected: DetectedBackends,
  override: BackendOverride = 'auto',
): BackendPlan {
  const auto: BackendCandidate[] = [];
  const skipped: BackendPlan['skipped'] = [];
  const gpu = detected.webgpu;
  if (gpu.available && !gpu.isFallbackAdapter) {
    auto.push({ name: 'webgpu', reason: 'a hardware WebGPU adapter is available' });
  } else {
    skipped.push({
      name: 'webgpu',
      reason: gpu.available
        ? 'the only WebGPU adapter is a software fallback, slower than wasm'
        : 'no WebGPU adapter',
    });
  }
  if (detected.wasm) auto.push(wasmCandidate(detected, 'WebAssembly is available'));
  else skipped.push({ name: 'wasm', reason: 'WebAssembly is not available' });
  if (detected.webgl) auto.push({ name: 'webgl', reason: 'WebGL is available' });
  else skipped.push({ name: 'webgl', reason: 'WebGL is not available' });
  auto.push({ name: 'cpu', reason: 'plain JavaScript, always available' });

  if (override === 'auto') return { order: auto, skipped };
  const picked: BackendCandidate =
    override === 'wasm'
      ? wasmCandidate(detected, 'chosen by you')
      : { name: override, reason: 'chosen by you' };
  const rest = auto.filter((c) => c.name !== override);
  return {
    order: [picked, ...rest.map((c) => ({ ...c, reason: `${c.reason}; fallback` }))],
    skipped: skipped.filter((s) => s.name !== override),
  };
}

/** The part of the tfjs-core module the activation needs (a fake one in tests). */
export interface BackendSwitch {
  setBackend(name: string): Promise<boolean>;
  getBackend(): string | undefined | null;
}

export interface ActiveBackend {
  name: BackendName;
  reason: string;
  threads?: boolean;
  /** Every backend tried before it, with what went wrong. */
  failed: { name: BackendName; error: string }[];
}

/**
 * Tries the plan's backends in order and returns the first that tfjs really switched to
 * (setBackend resolved true and getBackend() agrees). Throws a BenchtopError if none did.
 */
export async function activateBackend(
  tf: BackendSwitch,
  order: readonly BackendCandidate[],
): Promise<ActiveBackend> {
  const failed: ActiveBackend['failed'] = [];
  for (const c of order) {
    let ok = false;
    let error = 'setBackend returned false';
    try {
      ok = await tf.setBackend(c.name);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    if (ok && tf.getBackend() !== c.name) {
      ok = false;
      error = `tfjs reports '${String(tf.getBackend())}' after switching`;
    }
    if (ok) {
      return {
        name: c.name,
        reason: failed.length
          ? `${c.reason} (${failed.map((f) => f.name).join(', ')} could not start)`
          : c.reason,
        ...(c.threads !== undefined ? { threads: c.threads } : {}),
        failed,
      };
    }
    failed.push({ name: c.name, error });
  }
  throw new BenchtopError(
    'internal',
    `No compute backend could start (tried ${failed.map((f) => `${f.name}: ${f.error}`).join('; ')}). Reload the page; if it happens again, please report it.`,
    { tried: failed.map((f) => f.name) },
  );
}
