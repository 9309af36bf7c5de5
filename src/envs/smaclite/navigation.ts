/**
 * Path-finding for ground units on a map's walkable grid. A unit heads straight for its goal when
 * the straight segment stays on walkable ground; otherwise it follows a breadth-first distance field
 * from the goal's cell (8-connected, no corner cutting) towards the neighbouring cell closest to the
 * goal. SC2 units path-find; SMAClite's velocity obstacles (RVO2) only avoid collisions, so there a
 * unit whose goal lies behind a wall stalls. Distance fields are cached per goal cell.
 */
import { MAP_SIZE, walkable, type TerrainRows } from './maps.js';

const NEIGHBOURS: ReadonlyArray<[number, number]> = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
  [1, 1],
  [1, -1],
  [-1, 1],
  [-1, -1],
];

/** Steering on one terrain. */
export class Navigator {
  private readonly open: Uint8Array; // [MAP_SIZE²] 1 = walkable cell
  private readonly fields = new Map<number, Int32Array>();

  constructor(private readonly terrain: TerrainRows) {
    this.open = new Uint8Array(MAP_SIZE * MAP_SIZE);
    for (let y = 0; y < MAP_SIZE; y++)
      for (let x = 0; x < MAP_SIZE; x++) this.open[y * MAP_SIZE + x] = Number(walkable(terrain, x + 0.5, y + 0.5));
  }

  private cell(x: number, y: number): number {
    const cx = Math.min(MAP_SIZE - 1, Math.max(0, Math.floor(x)));
    const cy = Math.min(MAP_SIZE - 1, Math.max(0, Math.floor(y)));
    return cy * MAP_SIZE + cx;
  }

  private passable(cx: number, cy: number): boolean {
    return cx >= 0 && cx < MAP_SIZE && cy >= 0 && cy < MAP_SIZE && this.open[cy * MAP_SIZE + cx] === 1;
  }

  /** Whether a unit may step from cell (cx, cy) by (dx, dy): onto an open cell, diagonally only past two open sides. */
  private canStep(cx: number, cy: number, dx: number, dy: number): boolean {
    if (!this.passable(cx + dx, cy + dy)) return false;
    return dx === 0 || dy === 0 || (this.passable(cx + dx, cy) && this.passable(cx, cy + dy));
  }

  /** Steps from every cell to `goal` (−1: unreachable). */
  private field(goal: number): Int32Array {
    const cached = this.fields.get(goal);
    if (cached) return cached;
    const dist = new Int32Array(MAP_SIZE * MAP_SIZE).fill(-1);
    dist[goal] = 0;
    const queue = [goal];
    for (let head = 0; head < queue.length; head++) {
      const c = queue[head] as number;
      const [cx, cy] = [c % MAP_SIZE, Math.floor(c / MAP_SIZE)];
      for (const [dx, dy] of NEIGHBOURS) {
        const [nx, ny] = [cx + dx, cy + dy];
        if (!this.canStep(cx, cy, dx, dy)) continue;
        const n = ny * MAP_SIZE + nx;
        if (dist[n] !== -1) continue;
        dist[n] = (dist[c] as number) + 1;
        queue.push(n);
      }
    }
    this.fields.set(goal, dist);
    return dist;
  }

  /** Whether the straight segment between two points stays on walkable ground (sampled every 0.25). */
  clearPath(x0: number, y0: number, x1: number, y1: number): boolean {
    const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 0.25);
    for (let k = 1; k <= steps; k++) {
      const f = k / steps;
      if (!walkable(this.terrain, x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)) return false;
    }
    return true;
  }

  /** The point to head for on the way from (x, y) to (gx, gy): the goal itself, or the next cell's centre. */
  waypoint(x: number, y: number, gx: number, gy: number): [number, number] {
    if (this.clearPath(x, y, gx, gy)) return [gx, gy];
    const dist = this.field(this.cell(gx, gy));
    const here = this.cell(x, y);
    const [cx, cy] = [here % MAP_SIZE, Math.floor(here / MAP_SIZE)];
    let best: [number, number] | null = null;
    let bestDist = dist[here] === -1 ? Infinity : (dist[here] as number);
    for (const [dx, dy] of NEIGHBOURS) {
      const [nx, ny] = [cx + dx, cy + dy];
      if (!this.canStep(cx, cy, dx, dy)) continue;
      const d = dist[ny * MAP_SIZE + nx] as number;
      if (d !== -1 && d < bestDist) [best, bestDist] = [[nx + 0.5, ny + 0.5], d];
    }
    return best ?? [gx, gy];
  }
}
