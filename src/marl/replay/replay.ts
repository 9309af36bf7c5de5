/**
 * MAST's dual replay: the large off-policy episode buffer plus a small FIFO of the most recent
 * episodes. Every new episode enters both; a batch draws round(ρ·B) episodes from the recent FIFO
 * (at most what it holds) and the rest from the large buffer. The recent episodes come from nearly
 * the current policy, which steadies the targets of a sparse network (MAST §4.3). With ρ = 0 this is
 * exactly the single pymarl buffer. The two draws are independent, so an episode can appear twice
 * in one batch, as it would with two separate buffers.
 */
import type { Rng } from '../../util/rng.js';
import type { EnvInfo } from '../../envs/types.js';
import type { StoredArray } from '../../util/tensor-file.js';
import type { RecentBufferConfig } from '../../config/types.js';
import { EpisodeBuffer } from './buffer.js';
import { makeBatch, type Episode, type EpisodeBatch } from './episode.js';

/** Saved layout of one buffer inside a checkpoint. */
export interface BufferMeta {
  lengths: number[];
  next: number;
}

/** The replay of a run: one large buffer, and a recent FIFO when ρ > 0. */
export class Replay {
  readonly main: EpisodeBuffer;
  readonly recent: EpisodeBuffer | null;
  /** ρ, the share of each batch drawn from the recent FIFO. */
  private readonly fraction: number;

  constructor(
    capacity: number,
    recent: RecentBufferConfig,
    readonly info: EnvInfo,
  ) {
    this.main = new EpisodeBuffer(capacity, info);
    this.recent = recent.fraction > 0 ? new EpisodeBuffer(recent.capacity, info) : null;
    this.fraction = recent.fraction;
  }

  /** Store a new episode in both buffers. */
  insert(episode: Episode): void {
    this.main.insert(episode);
    this.recent?.insert(episode);
  }

  /** Whether a batch of `batchSize` can be drawn (the large buffer must hold that many). */
  canSample(batchSize: number): boolean {
    return this.main.canSample(batchSize);
  }

  /** Episodes a batch of `batchSize` takes from the recent FIFO. */
  recentShare(batchSize: number): number {
    return this.recent ? Math.min(Math.round(this.fraction * batchSize), this.recent.size) : 0;
  }

  /** A batch mixing the recent FIFO and the large buffer at ratio ρ. */
  sample(batchSize: number, rng: Rng): EpisodeBatch {
    const fromRecent = this.recentShare(batchSize);
    const episodes = this.main.sampleEpisodes(batchSize - fromRecent, rng);
    if (this.recent && fromRecent > 0) episodes.push(...this.recent.sampleEpisodes(fromRecent, rng));
    return makeBatch(episodes, this.info);
  }

  /** Both buffers as named arrays (prefixes `replay`, `recent`) with their metadata. */
  toArrays(): { meta: { main: BufferMeta; recent: BufferMeta | null }; arrays: Record<string, StoredArray> } {
    const main = this.main.toArrays('replay');
    const recent = this.recent?.toArrays('recent');
    return {
      meta: { main: main.meta, recent: recent?.meta ?? null },
      arrays: { ...main.arrays, ...(recent?.arrays ?? {}) },
    };
  }

  /** Restore from {@link toArrays}' output. */
  loadArrays(
    meta: { main: BufferMeta; recent: BufferMeta | null },
    arrays: Record<string, StoredArray>,
    what: string,
  ): void {
    this.main.loadArrays('replay', meta.main, arrays, what);
    if (this.recent && meta.recent) this.recent.loadArrays('recent', meta.recent, arrays, what);
  }
}
