/**
 * Episodes and padded batches of episodes, as plain typed arrays (pymarl's EpisodeBatch). An episode
 * of length T stores T+1 observations/states/availabilities (the last one is the bootstrap step).
 */
import type { EnvInfo } from '../../envs/types.js';

/** One collected episode. */
export interface Episode {
  /** Number of transitions T. */
  length: number;
  obs: Float32Array; // [T+1, N, O]
  state: Float32Array; // [T+1, S]
  avail: Uint8Array; // [T+1, N, A]
  actions: Int32Array; // [T, N]
  reward: Float32Array; // [T]
  terminated: Uint8Array; // [T]  1 where the env ended by its own rules
}

/**
 * The episode with its time-limit cut marked as a terminal transition, so its last target does not
 * bootstrap (`terminalOnTimeLimit`). Every episode ends either by the environment's rules or by its
 * time limit, so the last transition is terminal in both cases; `episode` itself is not changed.
 */
export function endAtTimeLimit(episode: Episode): Episode {
  if (episode.length === 0 || episode.terminated[episode.length - 1] === 1) return episode;
  const terminated = episode.terminated.slice();
  terminated[episode.length - 1] = 1;
  return { ...episode, terminated };
}

/** B episodes padded to the longest, with `filled` marking real steps. */
export interface EpisodeBatch {
  size: number; // B
  maxT: number; // T
  info: EnvInfo;
  obs: Float32Array; // [B, T+1, N, O]
  state: Float32Array; // [B, T+1, S]
  avail: Uint8Array; // [B, T+1, N, A]
  actions: Int32Array; // [B, T, N]
  reward: Float32Array; // [B, T]
  terminated: Uint8Array; // [B, T]
  filled: Uint8Array; // [B, T]
}

/** Pad `episodes` into one batch. Padded steps have filled = 0, zero data and every action available. */
export function makeBatch(episodes: readonly Episode[], info: EnvInfo): EpisodeBatch {
  const { nAgents: n, nActions: a, obsShape: o, stateShape: s } = info;
  const b = episodes.length;
  const t = Math.max(...episodes.map((e) => e.length));
  const batch: EpisodeBatch = {
    size: b,
    maxT: t,
    info,
    obs: new Float32Array(b * (t + 1) * n * o),
    state: new Float32Array(b * (t + 1) * s),
    avail: new Uint8Array(b * (t + 1) * n * a).fill(1),
    actions: new Int32Array(b * t * n),
    reward: new Float32Array(b * t),
    terminated: new Uint8Array(b * t),
    filled: new Uint8Array(b * t),
  };
  episodes.forEach((e, i) => {
    batch.obs.set(e.obs, i * (t + 1) * n * o);
    batch.state.set(e.state, i * (t + 1) * s);
    batch.avail.set(e.avail, i * (t + 1) * n * a);
    batch.actions.set(e.actions, i * t * n);
    batch.reward.set(e.reward, i * t);
    batch.terminated.set(e.terminated, i * t);
    batch.filled.fill(1, i * t, i * t + e.length);
  });
  return batch;
}
