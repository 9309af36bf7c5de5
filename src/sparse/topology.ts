/**
 * Topology evolution on plain typed arrays, the one mask update every dynamic mode shares (rigl's
 * `mask_updaters.py`): drop the `count` active positions with the lowest drop score, grow `count`
 * positions that were inactive before the drop, highest grow score first. Algorithms differ only in
 * the scores they pass in (|w| to drop for SET, RigL and MAST; random grow scores for SET, |dense
 * gradient| for RigL and MAST) and in their schedule, which lives here too.
 *
 * Just-dropped positions cannot regrow in the same update (as in SET; RigL allows it and re-zeroes
 * them), so every swap really moves a connection, and the active count never changes.
 */

/** The outcome of one mask update of one tensor. */
export interface MaskUpdate {
  /** The new mask (same active count as the old one). */
  mask: Uint8Array;
  /** 1 where a connection was grown (its weight must start at 0, its optimizer moments reset). */
  grown: Uint8Array;
  /** 1 where a connection was dropped. */
  dropped: Uint8Array;
  /** Connections moved: dropped = grown. */
  swapped: number;
}

/** Indices where `mask[i] === want`, ordered by `score` (ascending or descending), ties by index. */
function ranked(mask: Uint8Array, want: number, score: Float32Array, descending: boolean): number[] {
  const idx: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] === want) idx.push(i);
  const sign = descending ? -1 : 1;
  return idx.sort((a, b) => sign * ((score[a] as number) - (score[b] as number)) || a - b);
}

/**
 * Move up to `count` connections of one tensor: drop the active ones of lowest `dropScore`, grow the
 * inactive ones of highest `growScore`. `count` is capped by the active and the inactive counts.
 */
export function updateMask(
  mask: Uint8Array,
  dropScore: Float32Array,
  growScore: Float32Array,
  count: number,
): MaskUpdate {
  if (dropScore.length !== mask.length || growScore.length !== mask.length) {
    throw new RangeError(
      `updateMask: mask has ${mask.length} entries but the scores have ${dropScore.length} and ${growScore.length}`,
    );
  }
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`updateMask: count must be a non-negative integer, got ${count}`);
  let active = 0;
  for (let i = 0; i < mask.length; i++) active += mask[i] as number;
  const swapped = Math.min(count, active, mask.length - active);
  const next = new Uint8Array(mask);
  const grown = new Uint8Array(mask.length);
  const dropped = new Uint8Array(mask.length);
  if (swapped > 0) {
    for (const i of ranked(mask, 1, dropScore, false).slice(0, swapped)) {
      next[i] = 0;
      dropped[i] = 1;
    }
    for (const i of ranked(mask, 0, growScore, true).slice(0, swapped)) {
      next[i] = 1;
      grown[i] = 1;
    }
  }
  return { mask: next, grown, dropped, swapped };
}

/** |x| element-wise, the magnitude score. */
export function magnitudeScore(values: Float32Array): Float32Array {
  return values.map(Math.abs);
}

/**
 * The fraction of active connections to move at environment step `t`: ζ/2·(1 + cos(π·t/T_end)) while
 * t < T_end, then 0 (RigL's cosine decay).
 */
export function dropFractionAt(t: number, zeta: number, tEnd: number): number {
  if (t >= tEnd) return 0;
  return (zeta / 2) * (1 + Math.cos((Math.PI * t) / tEnd));
}

/** Whether the mask update runs after learner update number `update` (1-based): every ΔT updates, before T_end. */
export function isTopologyUpdate(update: number, interval: number, t: number, tEnd: number): boolean {
  return update > 0 && update % interval === 0 && t < tEnd;
}

/**
 * Whether learner update number `update` (1-based) computes a dense gradient for the grow score: it
 * is one of the `count` updates spread evenly over the ΔT = `interval` updates that end at the next
 * mask update, the last of them the mask update itself. So with count 1 only the update of the mask
 * change does (RigL), with count ΔT every update does.
 */
export function isGrowGradientUpdate(update: number, interval: number, count: number): boolean {
  const toNext = (interval - (update % interval)) % interval; // updates until the next mask change
  const stride = Math.floor(interval / count);
  return update > 0 && toNext % stride === 0 && toNext / stride < count;
}
