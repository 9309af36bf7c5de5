/**
 * Episodes played but not yet stored in the replay buffer, as checkpoint arrays. With the acting
 * thread (`actingThread`) the next round is already played when a checkpoint is written: keeping it
 * in the checkpoint lets a resumed run store exactly the round an uninterrupted run stores, played
 * with the same (lagged) weights, instead of playing it again with newer ones.
 */
import { CheckpointError } from '@mast-toolkit/runtime/internal/util/errors';
import type { StoredArray } from '../../util/tensor-file.js';
import type { EpisodeResult } from '../acting/runner.js';
import type { Episode } from '../replay/episode.js';

/** What the checkpoint header says about each unstored episode (its arrays are `unstored/<k>/<field>`). */
export interface UnstoredMeta {
  length: number;
  return: number;
  won: boolean | null;
}

const FIELDS = ['obs', 'state', 'avail', 'actions', 'reward', 'terminated'] as const;
const PREFIX = 'unstored/';

/** The header entries and arrays of `episodes`, in play order. */
export function unstoredToArrays(episodes: readonly EpisodeResult[]): {
  meta: UnstoredMeta[];
  arrays: Record<string, StoredArray>;
} {
  const arrays: Record<string, StoredArray> = {};
  episodes.forEach(({ episode }, k) => {
    for (const field of FIELDS)
      arrays[`${PREFIX}${k}/${field}`] = { shape: [episode[field].length], data: episode[field] };
  });
  return { meta: episodes.map((e) => ({ length: e.episode.length, return: e.return, won: e.won })), arrays };
}

/** The episodes {@link unstoredToArrays} saved; a missing or mis-sized array is a {@link CheckpointError}. */
export function unstoredFromArrays(
  meta: readonly UnstoredMeta[],
  arrays: Record<string, StoredArray>,
  path: string,
): EpisodeResult[] {
  return meta.map((m, k) => {
    const get = <F extends (typeof FIELDS)[number]>(field: F): Episode[F] => {
      const a = arrays[`${PREFIX}${k}/${field}`];
      if (!a)
        throw new CheckpointError(`${path}: unstored episode ${k} has no '${field}' array`, {
          hint: 'the file is damaged; resume from a copy, or train the run again',
        });
      return a.data as Episode[F];
    };
    const episode = Object.fromEntries([['length', m.length], ...FIELDS.map((f) => [f, get(f)])]) as Episode;
    if (episode.reward.length !== m.length || episode.actions.length % Math.max(1, m.length) !== 0)
      throw new CheckpointError(`${path}: unstored episode ${k} does not have ${m.length} steps`, {
        hint: 'the file is damaged; resume from a copy, or train the run again',
      });
    return { episode, return: m.return, won: m.won };
  });
}
