/** Greedy action choice over available actions, shared by the tfjs controller and the ONNX policy. */

/**
 * Index of the largest `q[offset + a]` among available actions (`avail[availOffset + a]`, for the
 * `count` actions; ties → lowest index), or -1 when no action is available.
 */
export function greedyAction(
  q: Float32Array,
  offset: number,
  avail: Uint8Array,
  availOffset = 0,
  count = avail.length,
): number {
  let best = -1;
  let bestQ = -Infinity;
  for (let a = 0; a < count; a++) {
    if (avail[availOffset + a] && (best < 0 || (q[offset + a] as number) > bestQ)) {
      best = a;
      bestQ = q[offset + a] as number;
    }
  }
  return best;
}
