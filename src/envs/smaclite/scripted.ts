/**
 * Scripted baselines for the combat maps, used in tests and reported in docs/envs.md:
 * every fighter focuses fire on the weakest enemy it may target (least hp + shield, then lowest index);
 * with nothing in reach it holds position while enemies are still advancing, else walks towards the
 * nearest one; a medivac heals the most hurt ally it may target, or
 * follows the allies' centre.
 */
import type { SmacliteEnv } from './env.js';
import type { Unit } from './unit.js';
import { isHealer } from './units.js';

const MOVES: ReadonlyArray<[number, number, number]> = [
  [2, 0, 1],
  [3, 0, -1],
  [4, 1, 0],
  [5, -1, 0],
];

/** The available move action that heads most directly towards (x, y), or stop. */
function moveTowards(unit: Unit, avail: Uint8Array, x: number, y: number): number {
  let best = 1;
  let bestDot = 0;
  for (const [action, dx, dy] of MOVES) {
    const dot = (x - unit.x) * dx + (y - unit.y) * dy;
    if (avail[action] && dot > bestDot) [best, bestDot] = [action, dot];
  }
  return best;
}

/** One decision of the focus-fire policy for every agent. */
export function focusFire(env: SmacliteEnv): number[] {
  const world = env.battlefield;
  const avail = env.getAvailActions();
  return world.allies.map((unit, i) => {
    const mask = avail[i] as Uint8Array;
    if (!unit.alive) return 0;
    if (isHealer(unit.stats)) {
      const hurt = world.allies
        .filter((a) => a !== unit && mask[6 + a.index] && a.hp < a.stats.hp)
        .sort((a, b) => a.hp / a.stats.hp - b.hp / b.stats.hp)[0];
      if (hurt) return 6 + hurt.index;
      const others = world.living('ally').filter((a) => a !== unit);
      if (others.length === 0) return 1;
      const cx = others.reduce((s, a) => s + a.x, 0) / others.length;
      const cy = others.reduce((s, a) => s + a.y, 0) / others.length;
      return moveTowards(unit, mask, cx, cy);
    }
    const byDistance = world.living('enemy').sort((a, b) => unit.distanceTo(a) - unit.distanceTo(b));
    const inReach = byDistance.filter((e) => mask[6 + e.index]);
    const target = inReach.sort((a, b) => a.hp + a.shield - (b.hp + b.shield) || a.index - b.index)[0]; // ties by index: every agent picks the same one
    if (target) return 6 + target.index;
    // hold position while the enemy is still coming (it attack-moves onto us), otherwise go to it
    const nearest = byDistance[0];
    const coming = byDistance.some((e) => e.command.kind === 'attack-move' && e.target === null);
    return nearest && !coming ? moveTowards(unit, mask, nearest.x, nearest.y) : 1;
  });
}
