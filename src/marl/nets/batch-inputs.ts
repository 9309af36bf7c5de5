/** Agent input rows for a whole batch, laid out time-major so each step's rows are contiguous. */
import type { InputLayout } from '@mast-toolkit/runtime/internal/snapshot/types';
import type { EpisodeBatch } from '../replay/episode.js';

/**
 * Inputs `[T+1, B, N, In]` row-major: at step t, agent i of episode b sees its observation, its
 * action at t−1 one-hot (zeros at t = 0) and its id one-hot, as {@link fillAgentInputs} builds them
 * when acting.
 */
export function batchAgentInputs(batch: EpisodeBatch, layout: InputLayout): Float32Array {
  const { size: b, maxT: t } = batch;
  const { nAgents: n, obsShape: o } = batch.info;
  const width = layout.obs + layout.lastAction + layout.agentId;
  const out = new Float32Array((t + 1) * b * n * width);
  for (let step = 0; step <= t; step++) {
    for (let e = 0; e < b; e++) {
      for (let i = 0; i < n; i++) {
        const row = ((step * b + e) * n + i) * width;
        const src = ((e * (t + 1) + step) * n + i) * o;
        out.set(batch.obs.subarray(src, src + o), row);
        if (layout.lastAction > 0 && step > 0) out[row + o + (batch.actions[(e * t + step - 1) * n + i] as number)] = 1;
        if (layout.agentId > 0) out[row + o + layout.lastAction + i] = 1;
      }
    }
  }
  return out;
}

/**
 * The same inputs as {@link batchAgentInputs}, packed feature-major for the kernel unroll
 * (`FusedAgentUnroll.applyPacked`): `[T+1, In, lanes]` with lane = episode·N + agent and lanes =
 * B·N rounded up to a multiple of 4 (padded lanes 0), so they go into kernel memory with one copy.
 * @param reuse an earlier result to overwrite when it has the right size (a batch of the same shape),
 *   sparing a large allocation per update
 * @param episodes pack only episodes `[from, to)` (lane = (episode − from)·N + agent): one thread's
 *   half of the batch (`updateThreads`); default all
 */
export function batchAgentInputsPacked(
  batch: EpisodeBatch,
  layout: InputLayout,
  reuse?: Float32Array,
  episodes: { from: number; to: number } = { from: 0, to: batch.size },
): Float32Array {
  const { maxT: t } = batch;
  const { from, to } = episodes;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to <= batch.size))
    throw new RangeError(`batchAgentInputsPacked: episodes [${from}, ${to}) are not a range of ${batch.size}`);
  const { nAgents: n, obsShape: o } = batch.info;
  const width = layout.obs + layout.lastAction + layout.agentId;
  const lanes = Math.ceil(((to - from) * n) / 4) * 4;
  const size = (t + 1) * width * lanes;
  const out = reuse && reuse.length === size ? reuse.fill(0) : new Float32Array(size);
  const { obs, actions } = batch; // obs [B, T+1, N, O], actions [B, T, N]
  const [lastAction, agentId] = [layout.lastAction, layout.agentId];
  for (let step = 0; step <= t; step++) {
    const base = step * width * lanes;
    for (let e = from; e < to; e++) {
      for (let i = 0; i < n; i++) {
        const lane = (e - from) * n + i;
        // one row's observation down its lane: out[base + f·lanes + lane] = obs[src + f]
        for (let f = 0, src = ((e * (t + 1) + step) * n + i) * o, at = base + lane; f < o; f++, src++, at += lanes)
          out[at] = obs[src] as number;
        if (lastAction > 0 && step > 0)
          out[base + (o + (actions[(e * t + step - 1) * n + i] as number)) * lanes + lane] = 1;
        if (agentId > 0) out[base + (o + lastAction + i) * lanes + lane] = 1;
      }
    }
  }
  return out;
}
