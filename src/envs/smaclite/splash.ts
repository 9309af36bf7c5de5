/**
 * The baneling's suicide attack (SMAClite's `KamikazeTargeter`): when a baneling attacks it dies and
 * deals its damage, once, to every foe whose edge lies within the blast radius of its centre.
 *
 * SMAClite finds the victims in two passes, and so does this module: its neighbour finders are
 * rebuilt only between ticks, so it first takes the foes that stood within blast radius + the map's
 * largest unit radius of the baneling *when the tick began* (the baneling's current centre against
 * the foes' tick-start centres), then keeps those whose *current* centre lies within blast radius +
 * their own radius. A foe that walked into the blast during the tick from beyond the first circle is
 * spared, as in SMAClite. Air units are hit too (SMAClite's query spans every plane); allies of the
 * baneling never are. An enemy baneling's remaining hit points count towards the allies' reward
 * (SMAClite credits them as if dealt), an allied one's do not.
 */
import type { Unit } from './unit.js';
import { insideCircle32, kdDistance } from './numeric.js';

/**
 * `origin` explodes: it dies, and every foe in the blast takes one volley of its damage. Candidates
 * are searched around each foe's tick-start position (`Unit.startX/startY`, recorded by the world
 * as the tick begins).
 * @param foes the living units of the other side
 * @param radius the blast radius (the baneling's 2.2)
 * @param maxRadius the largest unit radius on the map (SMAClite's search margin)
 * @returns the reward the allies earn: damage dealt to enemies and kills, plus an enemy baneling's own hp
 */
export function explode(origin: Unit, foes: readonly Unit[], radius: number, maxRadius: number): number {
  const bonus = origin.faction === 'ally' ? 0 : origin.hp;
  origin.hp = 0;
  const reach = radius + maxRadius;
  let reward = bonus;
  for (const foe of foes) {
    if (kdDistance(foe.startX, foe.startY, origin.x, origin.y) > reach) continue; // not among the tick-start neighbours (SMAClite's KD-tree)
    if (insideCircle32(foe.x, foe.y, origin.x, origin.y, radius + foe.radius)) reward += origin.dealDamage(foe); // its float32 circle test
  }
  return reward;
}
