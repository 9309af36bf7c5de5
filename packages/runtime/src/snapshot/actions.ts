/** Greedy action choice over available actions, shared by the tfjs controller and the ONNX policy. */

/**
 * Index of the largest `q[offset + a]` among available actions (ties → lowest index), or -1 when
 * no action is available.
 */
export function greedyAction(q: Float32Array, offset: number, avail: Uint8Array): number {
  let best = -1;
  let bestQ = -Infinity;
  for (let a = 0; a < avail.length; a++) {
    if (avail[a] && (best < 0 || (q[offset + a] as number) > bestQ)) {
      best = a;
      bestQ = q[offset + a] as number;
    }
  }
  return best;
}
