/** Bookkeeping shared by the environments: episode state checks and action validation. */
import { ShapeError, ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';

/**
 * Throw unless an episode is running and `actions` holds one available action per agent.
 * @param avail per-agent availability masks for the current step.
 */
export function checkStep(
  envId: string,
  running: boolean,
  actions: readonly number[],
  avail: readonly Uint8Array[],
): void {
  if (!running) {
    throw new ToolkitError('E_ENV', `${envId}: step() called with no running episode`, {
      hint: 'call reset(seed) to start an episode',
    });
  }
  if (actions.length !== avail.length)
    throw new ShapeError(`${envId}: got ${actions.length} actions for ${avail.length} agents`);
  actions.forEach((a, i) => {
    const mask = avail[i] as Uint8Array;
    if (!Number.isInteger(a) || a < 0 || a >= mask.length || mask[a] !== 1) {
      const ok = [...mask.keys()].filter((k) => mask[k] === 1);
      throw new ToolkitError(
        'E_ENV',
        `${envId}: agent ${i} chose action ${a}, which is not available; available: [${ok.join(', ')}]`,
      );
    }
  });
}

/** A one-hot vector of `length` with a 1 at `index`. */
export function oneHot(length: number, index: number): Float32Array {
  const v = new Float32Array(length);
  v[index] = 1;
  return v;
}

/** Every agent's observation concatenated: the global state EPyMARL gives gym environments (LBF, MPE). */
export function concatObservations(obs: readonly Float32Array[]): Float32Array {
  const state = new Float32Array(obs.reduce((a, o) => a + o.length, 0));
  let offset = 0;
  for (const o of obs) {
    state.set(o, offset);
    offset += o.length;
  }
  return state;
}
