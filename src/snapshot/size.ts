/**
 * How many parameters a trained network stores: the MAST paper's "total size". A masked weight
 * matrix stores its active weights only; biases and unmasked matrices store every value.
 */
import { countActive } from '../sparse/mask.js';
import type { SnapshotTensor } from './types.js';

/** Parameters stored by `tensors`: the active entries of each masked tensor plus every entry of the others. */
export function storedParameters(tensors: Readonly<Record<string, SnapshotTensor>>): number {
  let n = 0;
  for (const t of Object.values(tensors)) n += t.mask ? countActive(t.mask) : t.values.length;
  return n;
}
