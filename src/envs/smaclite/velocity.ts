/**
 * SMAClite's velocity updater (`NumpyVelocityUpdater`): once per tick, after every unit has chosen
 * its preferred velocity and before any moves, each unit gets its ORCA velocity (`orca.ts`) from
 * - its neighbours: units of its own plane whose centres are within (largest radius on the map + its
 *   radius), in placement order, with their centre distances;
 * - for ground units, the terrain's obstacles (`obstacles.ts`) within (its radius + one second at full
 *   speed); air units ignore terrain.
 * Velocities are computed from where everyone stands at the start of the tick, so the order does not
 * matter; units then move one by one as their turn comes (`world.ts`).
 */
import { orcaVelocity } from './orca.js';
import { obstaclesFromTerrain, type StaticObstacle } from './obstacles.js';
import type { TerrainRows } from './maps.js';
import type { Unit } from './unit.js';

/** Collision avoidance on one terrain. */
export class VelocityUpdater {
  private readonly obstacles: readonly StaticObstacle[];

  constructor(terrain: TerrainRows) {
    this.obstacles = obstaclesFromTerrain(terrain);
  }

  /** Set `nextVx`, `nextVy` of every unit in `units` (the living ones, in placement order). */
  update(units: readonly Unit[], maxRadius: number): void {
    for (const u of units) {
      if ((u.prefX === 0 && u.prefY === 0) || u.hp === 0) {
        u.nextVx = u.prefX;
        u.nextVy = u.prefY;
        u.nextIsF32 = u.prefIsF32;
        continue;
      }
      const reach = maxRadius + u.radius;
      const neighbours: Array<readonly [Unit, number]> = [];
      for (const o of units) {
        if (o.stats.plane !== u.stats.plane) continue;
        const dx = u.x - o.x;
        const dy = u.y - o.y;
        if (dx > reach || dx < -reach || dy > reach || dy < -reach) continue;
        const d = Math.sqrt(dx * dx + dy * dy);
        if (d <= reach) neighbours.push([o, d]);
      }
      let obstacles: StaticObstacle[] = [];
      if (u.stats.plane === 'ground') {
        const range = u.radius + u.speed;
        obstacles = this.obstacles.filter((o) => o.withinRange(u.x, u.y, range));
      }
      [u.nextVx, u.nextVy, u.nextIsF32] = orcaVelocity(u, neighbours, obstacles);
    }
  }
}
