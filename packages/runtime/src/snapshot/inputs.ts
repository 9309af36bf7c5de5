/**
 * Building the agent network's input rows [obs | last-action one-hot | agent-id one-hot], shared by
 * the tfjs runner and the ONNX runtime so both feed the network the same bytes.
 */
import type { InputLayout } from './types.js';
import { ShapeError } from '../util/errors.js';

/**
 * Fill `out` (`[N, In]` row-major, In = obs + lastAction + agentId) with one input row per agent.
 * @param obs per-agent observations, each of length `layout.obs`.
 * @param lastActions per-agent previous action, or -1 at the first step (all-zero one-hot).
 */
export function fillAgentInputs(
  layout: InputLayout,
  obs: readonly Float32Array[],
  lastActions: readonly number[],
  out: Float32Array,
  rowOffset = 0,
): void {
  const n = obs.length;
  const width = layout.obs + layout.lastAction + layout.agentId;
  if (out.length < (rowOffset + n) * width)
    throw new ShapeError(`agent inputs: buffer holds ${out.length} values, need ${(rowOffset + n) * width}`);
  if (lastActions.length !== n)
    throw new ShapeError(`agent inputs: ${lastActions.length} last actions for ${n} agents`);
  for (let i = 0; i < n; i++) {
    const o = obs[i] as Float32Array;
    if (o.length !== layout.obs)
      throw new ShapeError(`agent inputs: agent ${i} observation has length ${o.length}, expected ${layout.obs}`);
    const base = (rowOffset + i) * width;
    out.fill(0, base, base + width);
    out.set(o, base);
    const a = lastActions[i] as number;
    if (layout.lastAction > 0 && a >= 0) {
      if (a >= layout.lastAction)
        throw new RangeError(`agent inputs: last action ${a} of agent ${i} is out of range [0, ${layout.lastAction})`);
      out[base + layout.obs + a] = 1;
    }
    if (layout.agentId > 0) out[base + layout.obs + layout.lastAction + (i % layout.agentId)] = 1;
  }
}
