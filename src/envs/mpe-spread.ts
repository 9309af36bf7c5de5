/**
 * Multi-Agent Particle Environment, `simple_spread` (Lowe et al. 2017; as EPyMARL runs it). N agents
 * and N landmarks in the plane; agents should cover every landmark without bumping into each other.
 *
 * Physics (MPE's `World.step`, dt = 0.1, damping 0.25, mass 1): a discrete action pushes with force
 * 5 (MPE's default sensitivity) along ±x or ±y; agents of radius 0.15 repel each other with MPE's
 * soft contact force 100·δ/|δ|·k·log(1 + exp(−(|δ| − 0.3)/k)), k = 1e-3; then
 * v ← v·(1 − 0.25) + F·dt, p ← p + v·dt. Landmarks do not move or collide.
 * Reward: MPE's per-agent reward r_i = −Σ_l min_a |p_a − l| − #{a : |p_a − p_i| < 0.3} (the count
 * includes the agent itself, a constant −1, as in the original code), summed over agents as
 * EPyMARL does for a shared reward, so returns are comparable with EPyMARL's tables.
 * Observation (18 for N = 3): own velocity, own position, landmarks relative to self, other agents
 * relative to self, and the silent agents' zero communication channels (2 per other agent).
 * State: every observation concatenated. Episodes last 25 steps (truncated, never terminal).
 * Actions: 0 no-op, 1 −x, 2 +x, 3 −y, 4 +y (PettingZoo's order).
 */
import { Rng } from '../util/rng.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import type { EnvInfo, MultiAgentEnv, ParticleFrame, StepResult } from './types.js';
import { checkStep, concatObservations } from './base.js';

/** MPE's physical constants for simple_spread. */
export const SPREAD_PHYSICS = {
  dt: 0.1,
  damping: 0.25,
  agentSize: 0.15,
  sensitivity: 5,
  contactForce: 100,
  contactMargin: 1e-3,
  episodeLimit: 25,
} as const;

const ACTION_FORCE: ReadonlyArray<[number, number]> = [
  [0, 0],
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

/** log(1 + exp(x)) without overflow. */
function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}

/** The `simple_spread` scenario with N agents and N landmarks. */
export class SpreadEnv implements MultiAgentEnv {
  private pos: Float64Array; // [N, 2]
  private vel: Float64Array; // [N, 2]
  private landmarks: Float64Array; // [N, 2]
  private t = 0;
  private running = false;

  constructor(
    readonly id: string,
    readonly n: number,
  ) {
    if (!Number.isInteger(n) || n < 1 || n > 16)
      throw new ConfigError(`${id}: the number of agents must be an integer in [1, 16], got ${n}`);
    this.pos = new Float64Array(2 * n);
    this.vel = new Float64Array(2 * n);
    this.landmarks = new Float64Array(2 * n);
  }

  getEnvInfo(): EnvInfo {
    const obs = 4 + 2 * this.n + 4 * (this.n - 1);
    return {
      nAgents: this.n,
      nActions: ACTION_FORCE.length,
      obsShape: obs,
      stateShape: obs * this.n,
      episodeLimit: SPREAD_PHYSICS.episodeLimit,
      reportsWins: false,
    };
  }

  reset(seed: number): void {
    const rng = new Rng(seed);
    for (let k = 0; k < 2 * this.n; k++) this.pos[k] = rng.uniform(-1, 1);
    for (let k = 0; k < 2 * this.n; k++) this.landmarks[k] = rng.uniform(-1, 1);
    this.vel.fill(0);
    this.t = 0;
    this.running = true;
  }

  /** Distance between agents i and j. */
  private agentDistance(i: number, j: number): number {
    return Math.hypot(
      (this.pos[2 * i] as number) - (this.pos[2 * j] as number),
      (this.pos[2 * i + 1] as number) - (this.pos[2 * j + 1] as number),
    );
  }

  step(actions: readonly number[]): StepResult {
    checkStep(this.id, this.running, actions, this.getAvailActions());
    const { dt, damping, agentSize, sensitivity, contactForce, contactMargin: k } = SPREAD_PHYSICS;
    const force = new Float64Array(2 * this.n);
    actions.forEach((a, i) => {
      const [fx, fy] = ACTION_FORCE[a] as [number, number];
      force[2 * i] = fx * sensitivity;
      force[2 * i + 1] = fy * sensitivity;
    });
    // --- contact forces between every pair of agents
    for (let i = 0; i < this.n; i++) {
      for (let j = i + 1; j < this.n; j++) {
        const dx = (this.pos[2 * i] as number) - (this.pos[2 * j] as number);
        const dy = (this.pos[2 * i + 1] as number) - (this.pos[2 * j + 1] as number);
        const dist = Math.max(Math.hypot(dx, dy), 1e-12);
        const penetration = softplus(-(dist - 2 * agentSize) / k) * k;
        const [fx, fy] = [(contactForce * dx * penetration) / dist, (contactForce * dy * penetration) / dist];
        force[2 * i] = (force[2 * i] as number) + fx;
        force[2 * i + 1] = (force[2 * i + 1] as number) + fy;
        force[2 * j] = (force[2 * j] as number) - fx;
        force[2 * j + 1] = (force[2 * j + 1] as number) - fy;
      }
    }
    // --- integrate (unit mass, no speed limit)
    for (let c = 0; c < 2 * this.n; c++) {
      this.vel[c] = (this.vel[c] as number) * (1 - damping) + (force[c] as number) * dt;
      this.pos[c] = (this.pos[c] as number) + (this.vel[c] as number) * dt;
    }
    this.t += 1;
    const truncated = this.t >= SPREAD_PHYSICS.episodeLimit;
    if (truncated) this.running = false;
    return {
      reward: this.teamReward(),
      terminated: false,
      truncated,
      info: { coverage: this.coverage(), collisions: this.collisionPairs() },
    };
  }

  /** Σ over landmarks of the nearest agent's distance. */
  coverage(): number {
    let total = 0;
    for (let l = 0; l < this.n; l++) {
      let best = Infinity;
      for (let i = 0; i < this.n; i++) {
        best = Math.min(
          best,
          Math.hypot(
            (this.pos[2 * i] as number) - (this.landmarks[2 * l] as number),
            (this.pos[2 * i + 1] as number) - (this.landmarks[2 * l + 1] as number),
          ),
        );
      }
      total += best;
    }
    return total;
  }

  /** Unordered pairs of distinct agents closer than two radii. */
  collisionPairs(): number {
    let pairs = 0;
    for (let i = 0; i < this.n; i++)
      for (let j = i + 1; j < this.n; j++) if (this.agentDistance(i, j) < 2 * SPREAD_PHYSICS.agentSize) pairs++;
    return pairs;
  }

  /** Σ_i r_i with MPE's r_i = −coverage − #{a : |p_a − p_i| < 0.3} (self included): −N·coverage − N − 2·pairs. */
  teamReward(): number {
    return -this.n * this.coverage() - this.n - 2 * this.collisionPairs();
  }

  /**
   * Per agent: [own velocity (2) | own position (2) | each landmark relative to self (2N) | each other
   * agent relative to self, in index order (2(N−1)) | communication, silent: zeros (2(N−1))].
   */
  getObs(): Float32Array[] {
    const info = this.getEnvInfo();
    return Array.from({ length: this.n }, (_, i) => {
      const o = new Float32Array(info.obsShape);
      const [px, py] = [this.pos[2 * i] as number, this.pos[2 * i + 1] as number];
      o.set([this.vel[2 * i] as number, this.vel[2 * i + 1] as number, px, py], 0);
      for (let l = 0; l < this.n; l++)
        o.set([(this.landmarks[2 * l] as number) - px, (this.landmarks[2 * l + 1] as number) - py], 4 + 2 * l);
      let k = 4 + 2 * this.n;
      for (let j = 0; j < this.n; j++) {
        if (j === i) continue;
        o.set([(this.pos[2 * j] as number) - px, (this.pos[2 * j + 1] as number) - py], k);
        k += 2;
      }
      return o; // the remaining 2·(N − 1) communication entries stay 0: agents are silent
    });
  }

  getState(): Float32Array {
    return concatObservations(this.getObs());
  }

  getAvailActions(): Uint8Array[] {
    return Array.from({ length: this.n }, () => new Uint8Array(ACTION_FORCE.length).fill(1));
  }

  /** Agent and landmark positions, for tests and pictures. */
  snapshot(): {
    agents: Array<[number, number]>;
    velocities: Array<[number, number]>;
    landmarks: Array<[number, number]>;
  } {
    const pairs = (a: Float64Array): Array<[number, number]> =>
      Array.from({ length: this.n }, (_, i) => [a[2 * i] as number, a[2 * i + 1] as number]);
    return { agents: pairs(this.pos), velocities: pairs(this.vel), landmarks: pairs(this.landmarks) };
  }

  frame(): ParticleFrame {
    const { agents, landmarks } = this.snapshot();
    return { kind: 'particles', agents, landmarks, agentRadius: SPREAD_PHYSICS.agentSize };
  }

  /** Place agents (at rest) and landmarks by hand (tests of the mechanics); starts an episode. */
  setLayout(agents: Array<[number, number]>, landmarks: Array<[number, number]>): void {
    if (agents.length !== this.n || landmarks.length !== this.n)
      throw new ConfigError(`${this.id}: setLayout needs ${this.n} agents and ${this.n} landmarks`);
    agents.forEach(([x, y], i) => this.pos.set([x, y], 2 * i));
    landmarks.forEach(([x, y], i) => this.landmarks.set([x, y], 2 * i));
    this.vel.fill(0);
    this.t = 0;
    this.running = true;
  }
}
