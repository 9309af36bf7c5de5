/**
 * The checks on one decision's inputs that `OnnxPolicy` and `StatelessPolicy` make the same way,
 * before any engine runs: one observation of the right size per agent, finite values, availability
 * masks of the right shape with at least one available action per agent.
 */
import { ShapeError, ToolkitError } from '../util/errors.js';
import type { AgentModelMetadata } from '../onnx/agent-contract.js';
import { checkFinite } from './guards.js';

/**
 * Throw `ShapeError` (wrong counts or sizes), `NumericError` (NaN/±Inf) or `E_NO_ACTION` (an agent
 * with no available action) for one decision's inputs.
 * @param caller names the method (and session) in messages, e.g. `OnnxPolicy.act`.
 */
export function checkStepInput(
  meta: AgentModelMetadata,
  caller: string,
  obs: readonly Float32Array[],
  avail: readonly Uint8Array[] | undefined,
): void {
  const n = meta.nAgents;
  const a = meta.nActions;
  if (obs.length !== n) throw new ShapeError(`${caller}: got ${obs.length} observations for ${n} agents`);
  if (avail && (avail.length !== n || avail.some((m) => m.length !== a)))
    throw new ShapeError(`${caller}: avail must hold ${n} masks of length ${a}`);
  const o = meta.inputLayout.obs;
  obs.forEach((v, i) => {
    if (v.length !== o) throw new ShapeError(`${caller}: observation ${i} has ${v.length} values, expected ${o}`);
    checkFinite(v, o, `${caller}: observation of agent ${i}`);
  });
  avail?.forEach((m, i) => {
    if (!m.some((x) => x !== 0))
      throw new ToolkitError('E_NO_ACTION', `${caller}: agent ${i} has no available action`, {
        hint: 'every agent needs at least one available action (a dead agent usually has its no-op available)',
      });
  });
}
