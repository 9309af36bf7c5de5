/**
 * SMAClite's arithmetic, bit for bit where it decides a tick: it keeps positions in `np.float32`,
 * so differences of positions, the "in range" test (`point_inside_circle`) and a chasing unit's
 * preferred velocity are computed in single precision; numpy's `inner` and `linalg.norm` of two
 * float64 components round like a fused multiply-add (`fma(y, y', x·x')`). Reproducing these lets a
 * single episode of the port follow SMAClite's tick by tick instead of drifting in the last bits.
 */

/** Round to single precision (numpy's float32 store). */
export const f32 = Math.fround;

const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter for doubles

/** a·b + c rounded once (emulated with error-free transformations; exact but for pathological ties). */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p)) return p + c;
  const ta = SPLIT * a;
  const ah = ta - (ta - a);
  const al = a - ah;
  const tb = SPLIT * b;
  const bh = tb - (tb - b);
  const bl = b - bh;
  const pe = ah * bh - p + ah * bl + al * bh + al * bl; // a·b = p + pe exactly
  const s = p + c;
  const z = s - p;
  const se = p - (s - z) + (c - z); // p + c = s + se exactly
  return s + (pe + se);
}

/** numpy's `np.inner(a, b)` of two float64 2-vectors. */
export function dot(ax: number, ay: number, bx: number, by: number): number {
  return fma(ay, by, ax * bx);
}

/** numpy's `np.linalg.norm` of a float64 2-vector. */
export function norm(x: number, y: number): number {
  return Math.sqrt(fma(y, y, x * x));
}

/** numpy's `np.inner(v, v)` of a float32 2-vector (rounded after each operation). */
export function lenSq32(x: number, y: number): number {
  return f32(f32(x * x) + f32(y * y));
}

/**
 * SMAClite's `point_inside_circle(p, c, r)` on float32 points: |p − c| componentwise in single
 * precision, then a box test, a diamond test and the squared distance in single precision.
 */
export function insideCircle32(px: number, py: number, cx: number, cy: number, r: number): boolean {
  const dx = Math.abs(f32(px - cx));
  const dy = Math.abs(f32(py - cy));
  if (dx > r || dy > r) return false;
  if (f32(dx + dy) <= r) return true;
  return lenSq32(dx, dy) <= r * r;
}

/** The centre distance scikit-learn's KD-tree reports (double precision from float32 positions). */
export function kdDistance(ax: number, ay: number, bx: number, by: number): number {
  const dx = ax - bx;
  const dy = ay - by;
  return Math.sqrt(dx * dx + dy * dy);
}
