/** Binary masks over flat weight arrays: 1 = active weight, 0 = pruned. Plain typed arrays, no tfjs. */
import type { Rng } from '../util/rng.js';

function checkActive(size: number, active: number): void {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`mask: size must be a positive integer, got ${size}`);
  if (!Number.isInteger(active) || active < 0 || active > size)
    throw new RangeError(`mask: active must be an integer in [0, ${size}], got ${active}`);
}

/** A mask with exactly `active` ones at uniformly random positions. */
export function randomMask(size: number, active: number, rng: Rng): Uint8Array {
  checkActive(size, active);
  const mask = new Uint8Array(size);
  for (const i of rng.sampleIndices(size, active)) mask[i] = 1;
  return mask;
}

/**
 * A mask keeping the `active` entries of largest |value| (ties: lower index first, for determinism),
 * chosen among the entries `among` keeps when given (all otherwise).
 */
export function magnitudeMask(values: Float32Array, active: number, among?: Uint8Array): Uint8Array {
  checkActive(values.length, active);
  const candidates = among ? Array.from(values.keys()).filter((i) => among[i] === 1) : Array.from(values.keys());
  if (active > candidates.length)
    throw new RangeError(`mask: active must be at most the ${candidates.length} entries to choose from, got ${active}`);
  const order = candidates.sort((a, b) => Math.abs(values[b] as number) - Math.abs(values[a] as number) || a - b);
  const mask = new Uint8Array(values.length);
  for (let k = 0; k < active; k++) mask[order[k] as number] = 1;
  return mask;
}

/** Zero `values` wherever `mask` is 0, in place. */
export function applyMask(values: Float32Array, mask: Uint8Array): void {
  if (values.length !== mask.length)
    throw new RangeError(`applyMask: ${values.length} values but ${mask.length} mask entries`);
  for (let i = 0; i < values.length; i++) if (mask[i] === 0) values[i] = 0;
}

/** Number of active entries. */
export function countActive(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] as number;
  return n;
}

/** Fraction of active entries. */
export function maskDensity(mask: Uint8Array): number {
  return mask.length === 0 ? 0 : countActive(mask) / mask.length;
}
