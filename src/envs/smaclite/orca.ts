/**
 * ORCA (optimal reciprocal collision avoidance, van den Berg et al.; the RVO2 library) as SMAClite
 * runs it: its numpy port of RVO2's `computeNewVelocity` and linear programs 1–3, with its time
 * horizons (1 s for units and obstacles), its rules and its quirks, re-implemented here:
 * - a unit whose preferred velocity is zero (stopped, attacking) keeps velocity zero and never moves;
 * - a moving unit takes the whole avoidance against a unit that stands still, half against a moving
 *   one (`multiplier` 1 or 0.5);
 * - units already overlapping resolve within one tick (inverse time step 16);
 * - obstacles are rectangles whose lines come from `orca-obstacles.ts`.
 * Inputs are velocities in map units per second. numpy's arithmetic is reproduced: float32 arrays
 * (positions, a chasing unit's preferred velocity, velocities and lines computed from them) stay
 * float32 through array operations and meet float64 ones in double (`numeric.ts`; a scalar meeting
 * a float32 array is rounded to float32 first, numpy 1.x's value-based casting).
 */
import { dot, f32, norm } from './numeric.js';
import type { StaticObstacle } from './obstacles.js';
import { normalize, obstacleLines, type Line, type OrcaBody, type Velocity } from './orca-obstacles.js';

export type { OrcaBody, Velocity } from './orca-obstacles.js';

const INV_TIME_HORIZON = 1;
/** Ticks per second: overlapping units separate within one tick. */
const INV_TIME_STEP = 16;

/** Round `x` to float32 when `single`. */
const r32 = (x: number, single: boolean): number => (single ? f32(x) : x);

/** numpy's `det(a, b)` = a₀b₁ − a₁b₀, in float32 when both are float32 arrays. */
function detT(ax: number, ay: number, as: boolean, bx: number, by: number, bs: boolean): number {
  return as && bs ? f32(f32(ax * by) - f32(ay * bx)) : ax * by - ay * bx;
}

/** numpy's `np.inner(a, b)`, in float32 when both are float32 arrays. */
function innerT(ax: number, ay: number, as: boolean, bx: number, by: number, bs: boolean): number {
  return as && bs ? f32(f32(ax * bx) + f32(ay * by)) : dot(ax, ay, bx, by);
}

/** numpy's `v / np.linalg.norm(v)` of a float32 or float64 vector. */
function normalizeT(x: number, y: number, single: boolean): [number, number] {
  if (!single) return normalize(x, y);
  const n = f32(Math.sqrt(f32(f32(x * x) + f32(y * y))));
  return [f32(x / n), f32(y / n)];
}

/** `scalar * array`: numpy rounds the scalar to the array's precision first. */
const scale = (k: number, x: number, single: boolean): number => (single ? f32(f32(k) * x) : k * x);

/** The line a neighbour imposes (RVO2's agent part of computeNewVelocity, with SMAClite's give-way share). */
function unitLine(unit: OrcaBody, other: OrcaBody, distance: number): Line {
  // positions are float32: their difference is a float32 array
  const rpx = f32(other.x - unit.x);
  const rpy = f32(other.y - unit.y);
  const rs = unit.vIsF32 && other.vIsF32; // relative velocity in single precision?
  const rvx = r32(unit.vx - other.vx, rs);
  const rvy = r32(unit.vy - other.vy, rs);
  const distSq = distance * distance;
  const combined = unit.radius + other.radius;
  const combinedSq = combined * combined;
  // a unit that stands still will not move: give way fully; a moving one gives way by half
  const share = other.prefX !== 0 || other.prefY !== 0 ? 0.5 : 1;
  let dx: number, dy: number, uX: number, uY: number, us: boolean;
  if (distSq > combinedSq) {
    const wx = r32(rvx - rpx, rs);
    const wy = r32(rvy - rpy, rs);
    const wLenSq = innerT(wx, wy, rs, wx, wy, rs);
    const dot1 = innerT(wx, wy, rs, rpx, rpy, true);
    if (dot1 < 0 && dot1 * dot1 > combinedSq * wLenSq) {
      const wLen = r32(Math.sqrt(wLenSq), rs);
      const ux = r32(wx / wLen, rs);
      const uy = r32(wy / wLen, rs);
      [dx, dy] = [uy, -ux];
      const k = combined * INV_TIME_HORIZON - wLen;
      [uX, uY, us] = [scale(k, ux, rs), scale(k, uy, rs), rs];
    } else {
      const leg = Math.sqrt(distSq - combinedSq);
      if (detT(rpx, rpy, true, wx, wy, rs) > 0) {
        dx = (rpx * leg - rpy * combined) / distSq;
        dy = (rpx * combined + rpy * leg) / distSq;
      } else {
        dx = (-rpx * leg - rpy * combined) / distSq;
        dy = (rpx * combined - rpy * leg) / distSq;
      }
      const dot2 = dot(rvx, rvy, dx, dy);
      [uX, uY, us] = [dot2 * dx - rvx, dot2 * dy - rvy, false];
      return { dx, dy, ds: false, px: unit.vx + share * uX, py: unit.vy + share * uY, ps: false };
    }
  } else {
    const wx = r32(rvx - r32(INV_TIME_STEP * rpx, true), rs);
    const wy = r32(rvy - r32(INV_TIME_STEP * rpy, true), rs);
    const wLen = rs ? f32(Math.sqrt(f32(f32(wx * wx) + f32(wy * wy)))) : norm(wx, wy);
    const ux = r32(wx / wLen, rs);
    const uy = r32(wy / wLen, rs);
    [dx, dy] = [uy, -ux];
    const k = combined * INV_TIME_STEP - wLen;
    [uX, uY, us] = [scale(k, ux, rs), scale(k, uy, rs), rs];
  }
  const ps = us && unit.vIsF32;
  return { dx, dy, ds: rs, px: r32(unit.vx + r32(share * uX, us), ps), py: r32(unit.vy + r32(share * uY, us), ps), ps };
}

/** `line.point + t * line.direction`, in numpy's precision. */
function along(line: Line, t: number): Velocity {
  const ds = line.ds === true;
  const single = ds && line.ps === true;
  return [r32(line.px + scale(t, line.dx, ds), single), r32(line.py + scale(t, line.dy, ds), single), single];
}

/** Linear program 1: the best point on line `lineNo` that satisfies lines 0..lineNo−1 and the speed disc. */
function lp1(
  lines: readonly Line[],
  lineNo: number,
  maxSpeed: number,
  optX: number,
  optY: number,
  optS: boolean,
  direction: boolean,
): Velocity | null {
  const line = lines[lineNo]!;
  const dp = innerT(line.px, line.py, line.ps === true, line.dx, line.dy, line.ds === true);
  const disc =
    dp * dp + maxSpeed * maxSpeed - innerT(line.px, line.py, line.ps === true, line.px, line.py, line.ps === true);
  if (disc < 0) return null;
  const sqrtDisc = Math.sqrt(disc);
  let tLeft = -dp - sqrtDisc;
  let tRight = -dp + sqrtDisc;
  for (let k = 0; k < lineNo; k++) {
    const other = lines[k]!;
    const denominator = detT(line.dx, line.dy, line.ds === true, other.dx, other.dy, other.ds === true);
    const ds = line.ps === true && other.ps === true;
    const numerator = detT(
      other.dx,
      other.dy,
      other.ds === true,
      r32(line.px - other.px, ds),
      r32(line.py - other.py, ds),
      ds,
    );
    if (Math.abs(denominator) < 1e-5) {
      if (numerator < 0) return null;
      continue;
    }
    const single = line.ds === true && other.ds === true && ds; // numerator and denominator both float32
    const t = r32(numerator / denominator, single);
    if (denominator >= 0) tRight = Math.min(tRight, t);
    else tLeft = Math.max(tLeft, t);
    if (tLeft > tRight) return null;
  }
  if (direction) return along(line, innerT(optX, optY, optS, line.dx, line.dy, line.ds === true) > 0 ? tRight : tLeft);
  const ps = optS && line.ps === true;
  let t = innerT(line.dx, line.dy, line.ds === true, r32(optX - line.px, ps), r32(optY - line.py, ps), ps);
  if (t < tLeft) t = tLeft;
  else if (t > tRight) t = tRight;
  return along(line, t);
}

/** Linear program 2: the velocity closest to the optimum (or furthest along it) satisfying every line; returns how many lines it got through. */
function lp2(
  lines: readonly Line[],
  maxSpeed: number,
  optX: number,
  optY: number,
  optS: boolean,
  direction: boolean,
  start: Velocity,
): [number, Velocity] {
  let result = start;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const ds = l.ps === true && result[2];
    if (detT(l.dx, l.dy, l.ds === true, r32(l.px - result[0], ds), r32(l.py - result[1], ds), ds) <= 0) continue;
    const next = lp1(lines, i, maxSpeed, optX, optY, optS, direction);
    if (!next) return [i, result];
    result = next;
  }
  return [lines.length, result];
}

/** The starting point of linear program 2 for a preferred velocity (clamped to the speed disc). */
function clampPreferred(unit: OrcaBody): Velocity {
  const v = unit.speed;
  if (unit.prefIsF32) {
    // numpy on a float32 vector: inner, norm, division and the product by the speed in single precision
    const lenSq = f32(f32(unit.prefX * unit.prefX) + f32(unit.prefY * unit.prefY));
    if (lenSq <= v * v) return [unit.prefX, unit.prefY, true];
    const n = f32(Math.sqrt(lenSq));
    const v32 = f32(v);
    return [f32(f32(unit.prefX / n) * v32), f32(f32(unit.prefY / n) * v32), true];
  }
  if (dot(unit.prefX, unit.prefY, unit.prefX, unit.prefY) <= v * v) return [unit.prefX, unit.prefY, false];
  const [nx, ny] = normalize(unit.prefX, unit.prefY);
  return [nx * v, ny * v, false];
}

/** Linear program 3: when the lines conflict, the velocity that violates the unit lines least (obstacle lines stay hard). */
function lp3(
  lines: readonly Line[],
  obstacleCount: number,
  start: number,
  maxSpeed: number,
  current: Velocity,
): Velocity {
  let distance = 0;
  let result = current;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    const lps = line.ps === true;
    const lds = line.ds === true;
    const rs = lps && result[2];
    if (detT(line.dx, line.dy, lds, r32(line.px - result[0], rs), r32(line.py - result[1], rs), rs) <= distance)
      continue;
    const projected: Line[] = lines.slice(0, obstacleCount);
    for (let k = obstacleCount; k < i; k++) {
      const other = lines[k]!;
      const ods = other.ds === true;
      const ops = other.ps === true;
      const determinant = detT(line.dx, line.dy, lds, other.dx, other.dy, ods);
      let px: number, py: number, ps: boolean;
      if (Math.abs(determinant) <= 1e-5) {
        if (innerT(line.dx, line.dy, lds, other.dx, other.dy, ods) > 0) continue;
        ps = lps && ops;
        px = r32(0.5 * r32(line.px + other.px, ps), ps);
        py = r32(0.5 * r32(line.py + other.py, ps), ps);
      } else {
        const ss = lps && ops;
        const num = detT(other.dx, other.dy, ods, r32(line.px - other.px, ss), r32(line.py - other.py, ss), ss);
        const f = r32(num / determinant, ods && ss && lds);
        ps = lps && lds;
        px = r32(line.px + scale(f, line.dx, lds), ps);
        py = r32(line.py + scale(f, line.dy, lds), ps);
      }
      const nds = lds && ods;
      const [dx, dy] = normalizeT(r32(other.dx - line.dx, nds), r32(other.dy - line.dy, nds), nds);
      projected.push({ dx, dy, ds: nds, px, py, ps });
    }
    const before = result;
    const optX = -line.dy;
    const optY = line.dx;
    const [ok, next] = lp2(projected, maxSpeed, optX, optY, lds, true, [
      scale(maxSpeed, optX, lds),
      scale(maxSpeed, optY, lds),
      lds,
    ]);
    result = ok < projected.length ? before : next;
    const ds2 = lps && result[2];
    distance = detT(line.dx, line.dy, lds, r32(line.px - result[0], ds2), r32(line.py - result[1], ds2), ds2);
  }
  return result;
}

/**
 * The velocity `unit` takes this tick: its preferred velocity adjusted so that, for a second, it
 * neither hits its `neighbours` (with their centre distances) nor walks into `obstacles`, with
 * whether SMAClite would hold it in single precision. A unit that prefers to stand still (or is
 * dead) gets its preferred velocity back unchanged.
 */
export function orcaVelocity(
  unit: OrcaBody,
  neighbours: ReadonlyArray<readonly [OrcaBody, number]>,
  obstacles: readonly StaticObstacle[],
): Velocity {
  if ((unit.prefX === 0 && unit.prefY === 0) || unit.hp === 0) return [unit.prefX, unit.prefY, unit.prefIsF32];
  const lines = obstacles.length > 0 ? obstacleLines(unit, obstacles) : [];
  const obstacleCount = lines.length;
  for (const [other, distance] of neighbours) {
    if (other === unit || other.hp === 0) continue;
    lines.push(unitLine(unit, other, distance));
  }
  const [ok, result] = lp2(lines, unit.speed, unit.prefX, unit.prefY, unit.prefIsF32, false, clampPreferred(unit));
  return ok < lines.length ? lp3(lines, obstacleCount, ok, unit.speed, result) : result;
}
