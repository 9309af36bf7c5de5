/**
 * Shaded ± std bands that stay inside what a return can be: mean ± std of returns bounded to [0, 1]
 * (a win/lose reward) easily reads 1.2 or −0.1, values no episode can have. Bands are clamped to the
 * environment's return range where it declares one (`EnvInfo.returnRange`) and, over seeds, to the
 * lowest and highest value the seeds reached.
 */

/** A band point: x, low, high. */
export type BandPoint = [number, number, number];

/** Clamp each band point to `[lo, hi]` (either side may be absent: no bound there). */
export function clampBand(
  band: readonly BandPoint[],
  range: readonly [number | undefined, number | undefined] | undefined,
): BandPoint[] {
  const [lo, hi] = range ?? [undefined, undefined];
  const clamp = (v: number): number => Math.min(hi ?? Infinity, Math.max(lo ?? -Infinity, v));
  return band.map(([x, low, high]) => [x, clamp(low), clamp(high)]);
}
