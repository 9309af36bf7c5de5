/**
 * The ORCA lines static obstacles impose on a ground unit: RVO2's obstacle part of
 * `computeNewVelocity` as SMAClite's numpy port runs it, on the rectangles of `obstacles.ts` (the left
 * neighbour of an edge is the previous edge, the next edge's start is its end). Where SMAClite builds
 * a line's point as `cutoff + r·np.array(−d_y, d_x)`, numpy reads the second argument as a dtype, so
 * the offset is the scalar −r·d_y added to both coordinates; kept. All in double precision (the
 * obstacles' corners are integers, so numpy promotes everything to float64).
 */
import { dot, norm } from './numeric.js';
import type { StaticObstacle } from './obstacles.js';

/** A half-plane in velocity space: the permitted side is to the right of `direction` through `point`. */
export interface Line {
  dx: number;
  dy: number;
  px: number;
  py: number;
  /** Whether numpy holds the point / the direction in single precision (float32 arrays). */
  ps?: boolean;
  ds?: boolean;
}

/** A velocity and whether numpy holds it in single precision. */
export type Velocity = [x: number, y: number, single: boolean];

/** What ORCA reads of a unit. */
export interface OrcaBody {
  /** Position (float32 values). */
  x: number;
  y: number;
  /** Velocity of the last tick, and whether it is a float32 array in SMAClite. */
  vx: number;
  vy: number;
  vIsF32: boolean;
  /** Preferred velocity of this tick. */
  prefX: number;
  prefY: number;
  /** Whether the preferred velocity is float32 (a unit chasing another: numpy keeps it single). */
  prefIsF32: boolean;
  radius: number;
  /** Maximum speed (map units per second). */
  speed: number;
  hp: number;
}

/** Time horizon for obstacles (s), inverted. */
const INV_TIME_HORIZON_OBST = 1;

/** a₀b₁ − a₁b₀. */
export const det = (ax: number, ay: number, bx: number, by: number): number => ax * by - ay * bx;

/** (x, y) / |(x, y)|, rounded as numpy's `v / np.linalg.norm(v)`. */
export function normalize(x: number, y: number): [number, number] {
  const n = norm(x, y);
  return [x / n, y / n];
}

/** The lines obstacle edges impose on `unit` (RVO2's obstacle part of computeNewVelocity, as SMAClite ports it). */
export function obstacleLines(unit: OrcaBody, obstacles: readonly StaticObstacle[]): Line[] {
  const lines: Line[] = [];
  const r = unit.radius;
  const rSq = r * r;
  const { x: ux, y: uy, vx, vy } = unit;
  for (const o of obstacles) {
    const edges = o.edges;
    for (let i = 0; i < 4; i++) {
      let o1 = edges[i]!;
      let o2 = edges[(i + 1) % 4]!;
      // skip edges the unit is not to the left of: det(o1 − p, o2 − o1) < 0
      if (!(det(o1.px - ux, o1.py - uy, o2.px - o1.px, o2.py - o1.py) < 0)) continue;
      const r1x = o1.px - ux;
      const r1y = o1.py - uy;
      const r2x = o2.px - ux;
      const r2y = o2.py - uy;
      let covered = false;
      for (const l of lines) {
        if (
          det(INV_TIME_HORIZON_OBST * r1x - l.px, INV_TIME_HORIZON_OBST * r1y - l.py, l.dx, l.dy) -
            INV_TIME_HORIZON_OBST * r >=
            -1e-5 &&
          det(INV_TIME_HORIZON_OBST * r2x - l.px, INV_TIME_HORIZON_OBST * r2y - l.py, l.dx, l.dy) -
            INV_TIME_HORIZON_OBST * r >=
            -1e-5
        ) {
          covered = true;
          break;
        }
      }
      if (covered) continue;
      const distSq1 = dot(r1x, r1y, r1x, r1y);
      const distSq2 = dot(r2x, r2y, r2x, r2y);
      const ovx = o2.px - o1.px;
      const ovy = o2.py - o1.py;
      const s = dot(-r1x, -r1y, ovx, ovy) / dot(ovx, ovy, ovx, ovy);
      const lx = -r1x - s * ovx;
      const ly = -r1y - s * ovy;
      const distSqLine = dot(lx, ly, lx, ly);

      if (s < 0 && distSq1 < rSq) {
        const [dx, dy] = normalize(-r1y, r1x);
        lines.push({ px: 0, py: 0, dx, dy });
        continue;
      } else if (s > 1 && distSq2 <= rSq) {
        if (det(r2x, r2y, o2.ux, o2.uy) < 0) continue;
        const [dx, dy] = normalize(-r2y, r2x);
        lines.push({ px: 0, py: 0, dx, dy });
        continue;
      } else if (s > 0 && s < 1 && distSqLine <= rSq) {
        lines.push({ px: 0, py: 0, dx: -o1.ux, dy: -o1.uy });
        continue;
      }

      let lLx: number, lLy: number, rLx: number, rLy: number;
      if (s < 0 && distSqLine <= rSq) {
        o2 = o1;
        const leg1 = Math.sqrt(distSq1 - rSq);
        lLx = (r1x * leg1 - r1y * r) / distSq1;
        lLy = (r1x * r + r1y * leg1) / distSq1;
        rLx = (r1x * leg1 + r1y * r) / distSq1;
        rLy = (-r1x * r + r1y * leg1) / distSq1;
      } else if (s > 1 && distSqLine <= rSq) {
        o1 = o2;
        const leg2 = Math.sqrt(distSq2 - rSq);
        lLx = (r2x * leg2 - r2y * r) / distSq2;
        lLy = (r2x * r + r2y * leg2) / distSq2;
        rLx = (r2x * leg2 + r2y * r) / distSq2;
        rLy = (-r2x * r + r2y * leg2) / distSq2;
      } else {
        const leg1 = Math.sqrt(distSq1 - rSq);
        lLx = (r1x * leg1 - r1y * r) / distSq1;
        lLy = (r1x * r + r1y * leg1) / distSq1;
        const leg2 = Math.sqrt(distSq2 - rSq);
        rLx = (r2x * leg2 + r2y * r) / distSq2;
        rLy = (-r2x * r + r2y * leg2) / distSq2;
      }
      const same = o1 === o2;
      const leftNeighbour = edges[(i + 3) % 4]!;
      let leftForeign = false;
      let rightForeign = false;
      if (det(lLx, lLy, -leftNeighbour.ux, -leftNeighbour.uy) >= 0) {
        [lLx, lLy] = [-leftNeighbour.ux, -leftNeighbour.uy];
        leftForeign = true;
      }
      if (det(rLx, rLy, o2.ux, o2.uy) <= 0) {
        [rLx, rLy] = [o2.ux, o2.uy];
        rightForeign = true;
      }
      const lcx = INV_TIME_HORIZON_OBST * (o1.px - ux);
      const lcy = INV_TIME_HORIZON_OBST * (o1.py - uy);
      const rcx = INV_TIME_HORIZON_OBST * (o2.px - ux);
      const rcy = INV_TIME_HORIZON_OBST * (o2.py - uy);
      const cvx = rcx - lcx;
      const cvy = rcy - lcy;
      const t = same ? 0.5 : dot(vx - lcx, vy - lcy, cvx, cvy) / dot(cvx, cvy, cvx, cvy);
      const tLeft = dot(vx - lcx, vy - lcy, lLx, lLy);
      const tRight = dot(vx - rcx, vy - rcy, rLx, rLy);

      if ((t < 0 && tLeft < 0) || (same && tLeft < 0 && tRight < 0)) {
        const [wx, wy] = normalize(vx - lcx, vy - lcy);
        lines.push({
          dx: wy,
          dy: -wx,
          px: lcx + r * INV_TIME_HORIZON_OBST * wx,
          py: lcy + r * INV_TIME_HORIZON_OBST * wy,
        });
        continue;
      } else if (t > 1 && tRight < 0) {
        const [wx, wy] = normalize(vx - rcx, vy - rcy);
        lines.push({
          dx: wy,
          dy: -wx,
          px: rcx + r * INV_TIME_HORIZON_OBST * wx,
          py: rcy + r * INV_TIME_HORIZON_OBST * wy,
        });
        continue;
      }
      const sq = (x: number, y: number): number => dot(x, y, x, y);
      const distSqCutoff = t < 0 || t > 1 || same ? Infinity : sq(vx - (lcx + t * cvx), vy - (lcy + t * cvy));
      const distSqLeft = tLeft < 0 ? Infinity : sq(vx - (lcx + tLeft * lLx), vy - (lcy + tLeft * lLy));
      const distSqRight = tRight < 0 ? Infinity : sq(vx - (rcx + tRight * rLx), vy - (rcy + tRight * rLy));
      // SMAClite's offset r·np.array(−d_y, d_x) is the scalar −r·d_y (numpy takes d_x as a dtype)
      if (distSqCutoff <= distSqLeft && distSqCutoff <= distSqRight) {
        const [dx, dy] = [-o1.ux, -o1.uy];
        const off = r * INV_TIME_HORIZON_OBST * -dy;
        lines.push({ dx, dy, px: lcx + off, py: lcy + off });
      } else if (distSqLeft <= distSqRight) {
        if (leftForeign) continue;
        const off = r * INV_TIME_HORIZON_OBST * -lLy;
        lines.push({ dx: lLx, dy: lLy, px: lcx + off, py: lcy + off });
      } else {
        if (rightForeign) continue;
        const [dx, dy] = [-rLx, -rLy];
        const off = r * INV_TIME_HORIZON_OBST * -dy;
        lines.push({ dx, dy, px: rcx + off, py: rcy + off });
      }
    }
  }
  return lines;
}
