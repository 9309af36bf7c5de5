/**
 * Weights kept in kernel memory between updates (the fused agent unroll, the mixer's kernel linear
 * layers) are refreshed by what changed since they were loaded, compared by identity: tfjs gives an
 * assigned variable new data, and a topology update sets a new mask array. Nothing changed: keep
 * them; only values: refresh the stored values in place; the layout (masks): rebuild the compressed
 * rows.
 */

/** What kernel memory was loaded from: the layout (masks, flags) and the tensors' data, by identity. */
export interface ResidentKey {
  layout: readonly unknown[];
  data: readonly unknown[];
}

/** The refresh weights loaded from `last` need to match `now`. */
export type ResidentRefresh = 'none' | 'values' | 'rebuild';

const sameRefs = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Compare what the kernel holds (`last`, null before the first load) with the parameters now. */
export function residentRefresh(last: ResidentKey | null, now: ResidentKey): ResidentRefresh {
  if (last === null || !sameRefs(last.layout, now.layout)) return 'rebuild';
  return sameRefs(last.data, now.data) ? 'none' : 'values';
}
