/**
 * The toolkit's only source of randomness: a small, fast, seedable PRNG whose whole state is four
 * 32-bit words, so it can be saved in a checkpoint and restored exactly. Nothing in `src/` calls
 * `Math.random()`; components receive an `Rng` (or a child stream split from one) from their caller.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), seeded through splitmix32
 * so that nearby seeds give unrelated streams.
 */

/** Serialisable generator state (four unsigned 32-bit words). */
export type RngState = readonly [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seeded pseudo-random number generator with a copyable state. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any integer (taken modulo 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new TypeError(`Rng: seed must be an integer, got ${seed}`);
    const mix = splitmix32(seed);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32(); // warm-up, as sfc32's author recommends
  }

  /** Rebuild a generator from a saved {@link RngState}. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** The current state; `Rng.fromState(rng.getState())` continues the same stream. */
  getState(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  /** Restore a state saved by {@link getState}. */
  setState(state: RngState): void {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new RangeError(`Rng.setState: expected four uint32 words, got ${JSON.stringify(state)}`);
    }
    [this.a, this.b, this.c, this.d] = state;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal sample (Box–Muller). */
  normal(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A fresh 32-bit seed drawn from this stream, e.g. for an environment episode. */
  seed(): number {
    return this.nextUint32();
  }

  /**
   * An independent child generator. Splitting is deterministic: the same parent state always
   * yields the same child, and the parent advances by one draw.
   */
  split(): Rng {
    return new Rng(this.nextUint32());
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /**
   * `k` distinct indices from [0, n), in the order drawn (partial Fisher–Yates). The swapped
   * positions live in a map, so a draw costs O(k) whatever `n` (a 5,000-episode buffer is not copied).
   */
  sampleIndices(n: number, k: number): number[] {
    if (!Number.isInteger(k) || k < 0 || k > n)
      throw new RangeError(`Rng.sampleIndices: k must be in [0, ${n}], got ${k}`);
    const swapped = new Map<number, number>(); // position -> value, where it differs from the identity
    const out = new Array<number>(k);
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const atJ = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      out[i] = atJ;
    }
    return out;
  }
}
