/**
 * Static obstacles for ORCA: a terrain's blocked cells merged into rectangles, as SMAClite's
 * `StaticObstacle.from_terrain` merges them (scan cells row by row from the bottom-left; an unvisited
 * blocked cell starts a rectangle that grows east along its row, then north while every cell of the
 * next row's span is blocked). Each rectangle carries its four edges counter-clockwise from the
 * bottom-left corner (east, north, west, south), the polygon RVO2 avoids.
 */
import { MAP_SIZE, walkable, type TerrainRows } from './maps.js';

/** One edge of an obstacle: its start corner and the unit direction along it. */
export interface ObstacleEdge {
  px: number;
  py: number;
  ux: number;
  uy: number;
}

/** A blocked rectangle [x, x + width) × [y, y + height). */
export class StaticObstacle {
  readonly cx: number;
  readonly cy: number;
  readonly halfWidth: number;
  readonly halfHeight: number;
  /** Edges east, north, west, south (counter-clockwise). */
  readonly edges: readonly ObstacleEdge[];

  constructor(
    readonly x: number,
    readonly y: number,
    readonly width: number,
    readonly height: number,
  ) {
    this.cx = x + width / 2;
    this.cy = y + height / 2;
    this.halfWidth = width / 2;
    this.halfHeight = height / 2;
    this.edges = [
      { px: x, py: y, ux: 1, uy: 0 },
      { px: x + width, py: y, ux: 0, uy: 1 },
      { px: x + width, py: y + height, ux: -1, uy: 0 },
      { px: x, py: y + height, ux: 0, uy: -1 },
    ];
  }

  /** Whether the point is within `radius` of the rectangle (SMAClite's `is_within_range`). */
  withinRange(px: number, py: number, radius: number): boolean {
    const dx = Math.max(0, Math.abs(px - this.cx) - this.halfWidth);
    if (dx > radius) return false;
    const dy = Math.max(0, Math.abs(py - this.cy) - this.halfHeight);
    if (dy > radius) return false;
    return dx + dy <= radius ? true : dx * dx + dy * dy <= radius * radius;
  }
}

/** The terrain's blocked cells as rectangles, in SMAClite's order. */
export function obstaclesFromTerrain(terrain: TerrainRows): StaticObstacle[] {
  const blocked = (x: number, y: number): boolean => !walkable(terrain, x + 0.5, y + 0.5);
  const visited = new Uint8Array(MAP_SIZE * MAP_SIZE);
  const out: StaticObstacle[] = [];
  for (let y = 0; y < MAP_SIZE; y++) {
    for (let x = 0; x < MAP_SIZE; x++) {
      if (visited[y * MAP_SIZE + x]) continue;
      visited[y * MAP_SIZE + x] = 1;
      if (!blocked(x, y)) continue;
      let xEnd = x + 1;
      for (let x2 = x + 1; x2 < MAP_SIZE && blocked(x2, y); x2++) {
        xEnd = x2 + 1;
        visited[y * MAP_SIZE + x2] = 1;
      }
      let yEnd = y + 1;
      for (let y2 = y + 1; y2 < MAP_SIZE; y2++) {
        let all = true;
        for (let x2 = x; x2 < xEnd; x2++) if (!blocked(x2, y2)) all = false;
        if (!all) break;
        yEnd = y2 + 1;
        for (let x2 = x; x2 < xEnd; x2++) visited[y2 * MAP_SIZE + x2] = 1;
      }
      out.push(new StaticObstacle(x, y, xEnd - x, yEnd - y));
    }
  }
  return out;
}
