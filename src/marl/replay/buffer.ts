/**
 * The off-policy episode replay buffer: a FIFO of whole episodes (pymarl's ReplayBuffer), sampled
 * uniformly without replacement. Episodes are kept at their real length, so memory follows the
 * data actually collected rather than capacity × episode limit.
 */
import type { Rng } from '../../util/rng.js';
import type { EnvInfo } from '../../envs/types.js';
import type { StoredArray } from '../../util/tensor-file.js';
import { CheckpointError } from '@mast-toolkit/runtime/internal/util/errors';
import { makeBatch, type Episode, type EpisodeBatch } from './episode.js';

const FIELDS = ['obs', 'state', 'avail', 'actions', 'reward', 'terminated'] as const;

/** A bounded FIFO of episodes. */
export class EpisodeBuffer {
  private episodes: Episode[] = [];
  private next = 0; // slot the next insert overwrites once full

  constructor(
    readonly capacity: number,
    readonly info: EnvInfo,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`EpisodeBuffer: capacity must be a positive integer, got ${capacity}`);
  }

  /** Episodes held. */
  get size(): number {
    return this.episodes.length;
  }

  /** Add an episode, evicting the oldest when full. */
  insert(episode: Episode): void {
    if (this.episodes.length < this.capacity) this.episodes.push(episode);
    else this.episodes[this.next] = episode;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Whether `batchSize` episodes can be drawn. */
  canSample(batchSize: number): boolean {
    return this.episodes.length >= batchSize;
  }

  /** `count` distinct episodes drawn uniformly. */
  sampleEpisodes(count: number, rng: Rng): Episode[] {
    if (!this.canSample(count))
      throw new RangeError(`EpisodeBuffer.sample: asked for ${count} episodes, buffer holds ${this.size}`);
    return rng.sampleIndices(this.episodes.length, count).map((i) => this.episodes[i] as Episode);
  }

  /** `batchSize` distinct episodes drawn uniformly, padded into a batch. */
  sample(batchSize: number, rng: Rng): EpisodeBatch {
    return makeBatch(this.sampleEpisodes(batchSize, rng), this.info);
  }

  /** The buffer as named arrays (episodes concatenated) plus the metadata needed to restore it. */
  toArrays(prefix: string): { meta: { lengths: number[]; next: number }; arrays: Record<string, StoredArray> } {
    const arrays: Record<string, StoredArray> = {};
    for (const f of FIELDS) {
      const parts = this.episodes.map((e) => e[f]);
      const total = parts.reduce((a, p) => a + p.length, 0);
      const Ctor = parts[0]?.constructor as (new (n: number) => Float32Array | Uint8Array | Int32Array) | undefined;
      const data = Ctor ? new Ctor(total) : new Float32Array(0);
      let off = 0;
      for (const p of parts) {
        data.set(p as never, off);
        off += p.length;
      }
      arrays[`${prefix}.${f}`] = { shape: [total], data };
    }
    return { meta: { lengths: this.episodes.map((e) => e.length), next: this.next }, arrays };
  }

  /** Restore from {@link toArrays}' output. */
  loadArrays(
    prefix: string,
    meta: { lengths: number[]; next: number },
    arrays: Record<string, StoredArray>,
    what: string,
  ): void {
    const { nAgents: n, nActions: a, obsShape: o, stateShape: s } = this.info;
    const per: Record<(typeof FIELDS)[number], (t: number) => number> = {
      obs: (t) => (t + 1) * n * o,
      state: (t) => (t + 1) * s,
      avail: (t) => (t + 1) * n * a,
      actions: (t) => t * n,
      reward: (t) => t,
      terminated: (t) => t,
    };
    const offsets = Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<(typeof FIELDS)[number], number>;
    const episodes: Episode[] = [];
    for (const length of meta.lengths) {
      const e = { length } as Episode;
      for (const f of FIELDS) {
        const src = arrays[`${prefix}.${f}`];
        const len = per[f](length);
        if (!src || offsets[f] + len > src.data.length)
          throw new CheckpointError(`${what}: replay buffer field '${f}' is shorter than its episode lengths say`);
        (e as unknown as Record<string, unknown>)[f] = src.data.slice(offsets[f], offsets[f] + len);
        offsets[f] += len;
      }
      episodes.push(e);
    }
    this.episodes = episodes;
    this.next = meta.next;
  }
}
