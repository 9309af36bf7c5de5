/**
 * The TypeScript twin of test/fixtures/envs/toy_env.py: the same rules and the same xorshift32
 * draws, so the same seed and actions give the same trajectory in-process and through the bridge.
 */
import type { EnvInfo, MultiAgentEnv, StepResult } from '../../src/envs/types.js';

const MASK32 = 0xffffffff;

/** Marsaglia's xorshift32, as toy_env.py draws it. */
class XorShift32 {
  private x: number;
  constructor(seed: number) {
    this.x = (seed ^ 0x9e3779b9) >>> 0 || 1;
  }
  next(): number {
    let x = this.x;
    x = (x ^ ((x << 13) & MASK32)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ ((x << 5) & MASK32)) >>> 0;
    this.x = x;
    return x;
  }
  int(n: number): number {
    return this.next() % n;
  }
}

/** The toy environment of toy_env.py, in TypeScript. */
export class ToyEnv implements MultiAgentEnv {
  readonly id = 'toy';
  private rng = new XorShift32(0);
  private pos: number[] = [];
  private target = 0;
  private held: number[] = [];
  private t = 0;

  constructor(
    private readonly nAgents = 3,
    private readonly size = 6,
    private readonly limit = 12,
  ) {}

  getEnvInfo(): EnvInfo {
    return {
      nAgents: this.nAgents,
      nActions: 4,
      obsShape: 5,
      stateShape: 2 * this.nAgents + 2,
      episodeLimit: this.limit,
      reportsWins: false,
    };
  }

  reset(seed: number): void {
    this.rng = new XorShift32(seed);
    this.pos = Array.from({ length: this.nAgents }, () => this.rng.int(this.size));
    this.target = this.rng.int(this.size);
    this.held = new Array<number>(this.nAgents).fill(0);
    this.t = 0;
  }

  getObs(): Float32Array[] {
    return this.pos.map((p, i) => {
      const d = this.target - p;
      const seen = Math.abs(d) <= 2;
      return Float32Array.from([
        p / (this.size - 1),
        seen ? d / 2 : 0,
        seen ? 1 : 0,
        this.t / this.limit,
        i / this.nAgents,
      ]);
    });
  }

  getState(): Float32Array {
    return Float32Array.from([
      ...this.pos.map((p) => p / (this.size - 1)),
      ...this.held,
      this.target / (this.size - 1),
      this.t / this.limit,
    ]);
  }

  getAvailActions(): Uint8Array[] {
    return this.pos.map((p, i) =>
      this.held[i]
        ? Uint8Array.from([1, 0, 0, 0])
        : Uint8Array.from([1, p > 0 ? 1 : 0, p < this.size - 1 ? 1 : 0, p === this.target ? 1 : 0]),
    );
  }

  step(actions: readonly number[]): StepResult {
    let reward = -0.1;
    actions.forEach((a, i) => {
      if (a === 1) this.pos[i] = (this.pos[i] as number) - 1;
      else if (a === 2) this.pos[i] = (this.pos[i] as number) + 1;
      else if (a === 3) {
        this.held[i] = 1;
        reward += 1.0;
      }
    });
    if (this.rng.int(4) === 0)
      this.target = Math.min(this.size - 1, Math.max(0, this.target + (this.rng.int(2) ? 1 : -1)));
    this.t += 1;
    const won = this.held.every((h) => h === 1);
    if (won) reward += 2.0;
    const truncated = !won && this.t >= this.limit;
    return { reward, terminated: won, truncated, info: { won } };
  }
}
