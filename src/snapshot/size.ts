/**
 * How many parameters a trained network stores: the MAST paper's "total size". A masked weight
 * matrix stores its active weights only; biases and unmasked matrices store every value.
 */
import { countActive } from '../sparse/mask.js';
import type { SnapshotTensor } from '@mast-toolkit/runtime/internal/snapshot/types';

/** Parameters stored by `tensors`: the active entries of each masked tensor plus every entry of the others. */
export function storedParameters(tensors: Readonly<Record<string, SnapshotTensor>>): number {
  let n = 0;
  for (const t of Object.values(tensors)) n += t.mask ? countActive(t.mask) : t.values.length;
  return n;
}

/**
 * The toolkit's one "density of a model": active entries over all entries of the agent's weight
 * matrices (fc1, the GRU's input and recurrent matrices, fc2). Biases and the mixer are not counted:
 * the mixer is a training-time network and not part of a deployed agent. A matrix without a mask (a
 * dense-stored file read back) counts its nonzero values, as `mast inspect` does on dense storage. `mast inspect`, `mast eval`, `mast import` and the `mast.density` entry of
 * an exported model's metadata all give this figure.
 */
export function agentWeightDensity(
  tensors: Readonly<Record<string, SnapshotTensor>>,
  names: readonly string[],
): number {
  let [active, size] = [0, 0];
  for (const name of names) {
    const t = tensors[name];
    if (!t) continue;
    if (t.mask) active += countActive(t.mask);
    else for (const v of t.values) if (v !== 0) active += 1;
    size += t.values.length;
  }
  return size === 0 ? 1 : active / size;
}
