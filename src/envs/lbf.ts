/**
 * Level-Based Foraging (Albrecht & Ramamoorthy 2013; the `lbforaging` package, v3 rules by default).
 * Players and food on an S×S grid each have a level; food is picked up when the players standing
 * next to it (4-neighbourhood) that choose LOAD in the same step have levels summing to at least the
 * food's level. Each loader earns level·food / (Σ loader levels · Σ food levels spawned), so the
 * team's return is 1 when every item is collected. Ids `lbf/[Ks-]SxS-Pp-Ff[-coop][-v2]` mirror
 * lbforaging's `Foraging[-Ks]-SxS-Pp-Ff[-coop]-v3`: K is the sight radius (default: the grid, i.e.
 * full observability), `-coop` forces every food level to the sum of the (up to three lowest) player
 * levels, so no one can load alone; `-v2` selects the older release's food draw.
 *
 * Kept from lbforaging: spawning (players anywhere empty, levels 1..2 as its registration's
 * `max_player_level` gives in every release; food off the border, never next to other food, levels
 * in [1, L] with L the three lowest player levels' sum — v2: [1, L)), moves that fail into food,
 * off-grid or when two players target one cell, invalid actions turned into NONE, loading, rewards,
 * the 50-step limit, and the vector observation: per food slot (y, x, level) and per player slot,
 * self first, (y, x, level), −1/−1/0 when unseen.
 * Food and player coordinates both index the sight window clipped at the grid border, so with full
 * sight they are absolute; as in lbforaging a player counts as seen when both coordinates lie in
 * [0, 2·sight], which near the top or left edge reaches further than sight. As in EPyMARL, every
 * action is "available" (invalid ones act as NONE) and the state is every agent's observation
 * concatenated; `validActions()` gives lbforaging's own validity for scripted policies.
 * Differs: our own seeded RNG (the same rules, not numpy's random stream), and simultaneous loads
 * are resolved in player order where lbforaging pops a Python set.
 */
import { Rng } from '../util/rng.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import type { EnvInfo, GridFrame, MultiAgentEnv, StepResult } from './types.js';
import { checkStep, concatObservations } from './base.js';

/** The parameters of a foraging task. */
export interface LbfOptions {
  /** Grid side S. */
  size: number;
  /** Players (agents). */
  players: number;
  /** Food items spawned per episode (fewer if no valid cell is found in 1000 tries). */
  maxFood: number;
  /** Sight radius; ≥ S means full observability. */
  sight: number;
  /** Every food needs the (up to three lowest-level) players together. */
  forceCoop: boolean;
  /** Player levels are drawn from 1..maxPlayerLevel (lbforaging's registration: 2). */
  maxPlayerLevel: number;
  /**
   * Food levels (non-coop) are drawn from [1, L] (`'v3'`, lbforaging ≥ 2.0) or [1, L) (`'v2'`,
   * lbforaging 1.x), L being the sum of the three lowest player levels.
   */
  rules: 'v2' | 'v3';
  /** Episode limit (lbforaging: 50). */
  episodeLimit: number;
}

/** Actions, in lbforaging's order. */
export const LBF_ACTIONS = ['none', 'north', 'south', 'west', 'east', 'load'] as const;
const [NONE, NORTH, SOUTH, WEST, EAST, LOAD] = [0, 1, 2, 3, 4, 5];
const MOVES: Record<number, [number, number]> = { [NORTH]: [-1, 0], [SOUTH]: [1, 0], [WEST]: [0, -1], [EAST]: [0, 1] };

const ID_PATTERN = /^lbf\/(?:(\d+)s-)?(\d+)x(\d+)-(\d+)p-(\d+)f(-coop)?(-v2)?$/;

/** Parse `lbf/[Ks-]SxS-Pp-Ff[-coop][-v2]`; null when `id` is not an LBF id. */
export function parseLbfId(id: string): LbfOptions | null {
  const m = ID_PATTERN.exec(id);
  if (!m) return null;
  const [, sight, rows, cols, players, food, coop, v2] = m;
  if (rows !== cols)
    throw new ConfigError(`${id}: LBF grids are square (got ${rows}x${cols})`, { hint: `use lbf/${rows}x${rows}-...` });
  const size = Number(rows);
  return {
    size,
    players: Number(players),
    maxFood: Number(food),
    sight: sight ? Number(sight) : size,
    forceCoop: coop !== undefined,
    maxPlayerLevel: 2,
    rules: v2 ? 'v2' : 'v3',
    episodeLimit: 50,
  };
}

interface Player {
  row: number;
  col: number;
  level: number;
}

/** The Level-Based Foraging environment. */
export class LbfEnv implements MultiAgentEnv {
  private field: Int32Array; // [S·S] food level, 0 = empty
  private players: Player[] = [];
  private foodSpawned = 0;
  private t = 0;
  private running = false;

  constructor(
    readonly id: string,
    readonly options: LbfOptions,
  ) {
    const { size, players, maxFood, sight, maxPlayerLevel, episodeLimit } = options;
    for (const [name, v, min] of [
      ['size', size, 3],
      ['players', players, 1],
      ['maxFood', maxFood, 1],
      ['sight', sight, 1],
      ['maxPlayerLevel', maxPlayerLevel, 1],
      ['episodeLimit', episodeLimit, 1],
    ] as const) {
      if (!Number.isInteger(v) || v < min)
        throw new ConfigError(`${id}: ${name} must be an integer ≥ ${min}, got ${v}`);
    }
    if (players + maxFood > size * size)
      throw new ConfigError(`${id}: ${players} players and ${maxFood} food do not fit on a ${size}x${size} grid`);
    this.field = new Int32Array(size * size);
  }

  getEnvInfo(): EnvInfo {
    const obs = 3 * (this.options.maxFood + this.options.players);
    return {
      nAgents: this.options.players,
      nActions: LBF_ACTIONS.length,
      obsShape: obs,
      stateShape: obs * this.options.players,
      episodeLimit: this.options.episodeLimit,
      reportsWins: false,
    };
  }

  private food(row: number, col: number): number {
    const s = this.options.size;
    return row >= 0 && row < s && col >= 0 && col < s ? (this.field[row * s + col] as number) : 0;
  }

  private playerAt(row: number, col: number): boolean {
    return this.players.some((p) => p.row === row && p.col === col);
  }

  /** lbforaging's spawn rule: no food in the 3×3 box around the cell nor two cells away along its row or column. */
  private crowded(row: number, col: number): boolean {
    for (let dr = -1; dr <= 1; dr++)
      for (let dc = -1; dc <= 1; dc++) if (this.food(row + dr, col + dc) > 0) return true;
    return [-2, 2].some((d) => this.food(row + d, col) > 0 || this.food(row, col + d) > 0);
  }

  reset(seed: number): void {
    const rng = new Rng(seed);
    const { size: s, players, maxFood, forceCoop, maxPlayerLevel } = this.options;
    this.field.fill(0);
    this.players = [];
    for (let i = 0; i < players; i++) {
      for (let attempt = 0; attempt < 1000; attempt++) {
        const row = rng.int(s);
        const col = rng.int(s);
        if (this.playerAt(row, col)) continue;
        this.players.push({ row, col, level: 1 + rng.int(maxPlayerLevel) });
        break;
      }
    }
    const levels = this.players.map((p) => p.level).sort((a, b) => a - b);
    const maxLevel = levels.slice(0, 3).reduce((a, b) => a + b, 0);
    const minLevel = forceCoop ? maxLevel : 1;
    let spawned = 0;
    for (let attempt = 0; spawned < maxFood && attempt < 1000; attempt++) {
      const row = 1 + rng.int(s - 2);
      const col = 1 + rng.int(s - 2);
      if (this.crowded(row, col) || this.playerAt(row, col)) continue;
      // v3 draws integers(min, max + 1), v2 randint(min, max): both exclude their upper argument
      const span = maxLevel - minLevel + (this.options.rules === 'v3' ? 1 : 0);
      this.field[row * s + col] = minLevel === maxLevel ? minLevel : minLevel + rng.int(span);
      spawned++;
    }
    this.foodSpawned = this.field.reduce((a, b) => a + b, 0);
    this.t = 0;
    this.running = true;
  }

  private valid(p: Player, action: number): boolean {
    if (action === NONE) return true;
    if (action === LOAD) return this.adjacentFood(p) !== null;
    const [dr, dc] = MOVES[action] as [number, number];
    const [r, c] = [p.row + dr, p.col + dc];
    const s = this.options.size;
    return r >= 0 && r < s && c >= 0 && c < s && this.food(r, c) === 0;
  }

  /** The first food next to a player, looking north, south, west, east (lbforaging's order). */
  private adjacentFood(p: Player): [number, number] | null {
    for (const [dr, dc] of [
      [-1, 0],
      [1, 0],
      [0, -1],
      [0, 1],
    ] as const)
      if (this.food(p.row + dr, p.col + dc) > 0) return [p.row + dr, p.col + dc];
    return null;
  }

  step(actions: readonly number[]): StepResult {
    checkStep(this.id, this.running, actions, this.getAvailActions());
    this.t += 1;
    const acts = actions.map((a, i) => (this.valid(this.players[i] as Player, a) ? a : NONE));

    // --- move: a player moves unless another player ends up targeting the same cell
    const targets = this.players.map((p, i) => {
      const move = MOVES[acts[i] as number];
      return move ? [p.row + move[0], p.col + move[1]] : [p.row, p.col];
    });
    const key = (rc: number[]): string => `${rc[0]},${rc[1]}`;
    const claims = new Map<string, number>();
    for (const t of targets) claims.set(key(t), (claims.get(key(t)) ?? 0) + 1);
    this.players.forEach((p, i) => {
      const t = targets[i] as number[];
      if (claims.get(key(t)) === 1) [p.row, p.col] = [t[0] as number, t[1] as number];
    });

    // --- load: the loaders around a food succeed together if their levels add up
    let reward = 0;
    const loading = new Set(this.players.filter((_, i) => acts[i] === LOAD));
    for (const p of this.players) {
      if (!loading.has(p)) continue;
      const at = this.adjacentFood(p);
      if (!at) {
        loading.delete(p);
        continue;
      }
      const [fr, fc] = at;
      const level = this.food(fr, fc);
      const group = this.players.filter((q) => loading.has(q) && Math.abs(q.row - fr) + Math.abs(q.col - fc) === 1);
      for (const q of group) loading.delete(q);
      const groupLevel = group.reduce((a, q) => a + q.level, 0);
      if (groupLevel < level) continue;
      for (const q of group) reward += (q.level * level) / (groupLevel * this.foodSpawned);
      this.field[fr * this.options.size + fc] = 0;
    }

    const cleared = this.field.every((f) => f === 0);
    const truncated = !cleared && this.t >= this.options.episodeLimit;
    if (cleared || truncated) this.running = false;
    return { reward, terminated: cleared, truncated, info: {} };
  }

  /** Per agent: food slots (y, x, level) in its clipped sight window, then player slots (same coordinates), self first. */
  getObs(): Float32Array[] {
    const { size: s, sight: d, maxFood } = this.options;
    return this.players.map((me) => {
      const o = new Float32Array(3 * (maxFood + this.players.length));
      for (let k = 0; k < maxFood + this.players.length; k++) o.set([-1, -1, 0], 3 * k);
      const [r0, c0] = [Math.max(me.row - d, 0), Math.max(me.col - d, 0)];
      let k = 0;
      for (let r = r0; r < Math.min(me.row + d + 1, s); r++) {
        for (let c = c0; c < Math.min(me.col + d + 1, s); c++) {
          const f = this.food(r, c);
          if (f > 0 && k < maxFood) o.set([r - r0, c - c0, f], 3 * k++);
        }
      }
      // players in the same clipped-window coordinates as food (lbforaging's `_transform_to_neighborhood`),
      // seen when both lie in [0, 2·sight]: a window that reaches 2·sight past an observer near the top or left edge
      const seen: Array<[number, number, number]> = [];
      for (const q of [me, ...this.players.filter((p) => p !== me)]) {
        const [y, x] = [q.row - r0, q.col - c0];
        if (Math.min(y, x) >= 0 && Math.max(y, x) <= 2 * d) seen.push([y, x, q.level]);
      }
      seen.forEach((yxl, j) => o.set(yxl, 3 * (maxFood + j)));
      return o;
    });
  }

  /** Every agent's observation, concatenated (EPyMARL's state for gym environments). */
  getState(): Float32Array {
    return concatObservations(this.getObs());
  }

  /** Every action, as EPyMARL reports for gym environments; invalid ones act as NONE. */
  getAvailActions(): Uint8Array[] {
    return this.players.map(() => new Uint8Array(LBF_ACTIONS.length).fill(1));
  }

  /** Per agent, the actions lbforaging counts as valid (a move into food or off the grid, or LOAD with no food adjacent, is not). */
  validActions(): Uint8Array[] {
    return this.players.map((p) => Uint8Array.from(LBF_ACTIONS, (_, a) => (this.valid(p, a) ? 1 : 0)));
  }

  /** Positions and levels of players and food, for tests and pictures. */
  snapshot(): { players: Player[]; food: Array<{ row: number; col: number; level: number }> } {
    const s = this.options.size;
    const food: Array<{ row: number; col: number; level: number }> = [];
    this.field.forEach((level, i) => level > 0 && food.push({ row: Math.floor(i / s), col: i % s, level }));
    return { players: this.players.map((p) => ({ ...p })), food };
  }

  frame(): GridFrame {
    return { kind: 'grid', size: this.options.size, ...this.snapshot() };
  }

  /** Place players and food by hand (tests of the mechanics); starts an episode. */
  setLayout(players: Player[], food: Array<{ row: number; col: number; level: number }>): void {
    if (players.length !== this.options.players)
      throw new ConfigError(`${this.id}: setLayout needs ${this.options.players} players, got ${players.length}`);
    this.players = players.map((p) => ({ ...p }));
    this.field.fill(0);
    for (const f of food) this.field[f.row * this.options.size + f.col] = f.level;
    this.foodSpawned = this.field.reduce((a, b) => a + b, 0);
    this.t = 0;
    this.running = true;
  }
}
