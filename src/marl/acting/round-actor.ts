/** What the training loop asks of whoever plays its episodes (`actor.ts`, `actor-thread.ts`). */
import type { EpisodeResult } from './runner.js';

/** Plays rounds of exploring episodes for the training loop. */
export interface RoundActor {
  /**
   * Start a round: an episode in each environment from `seeds`, ε-greedy at `epsilon`, with the
   * agent's weights as they are now (later updates do not reach it). Exploration continues the run's
   * act stream. One round at a time: await it before asking for the next.
   */
  play(seeds: number[], epsilon: number): Promise<EpisodeResult[]>;
  /** Release the environments or the worker this actor holds (the caller's environments stay open). */
  close(): Promise<void>;
}
