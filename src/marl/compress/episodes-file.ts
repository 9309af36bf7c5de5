/**
 * Recorded episodes on disk (`mast record` writes them, `mast compress --data` reads them): the data
 * offline compression distils a dense agent over, with no environment at hand.
 *
 * Format: the toolkit's tensor file (`src/util/tensor-file.ts`: magic, JSON header, CRC-32 payload),
 * written atomically. The header's `meta` is a {@link RecordedEpisodesMeta}; the arrays hold every
 * episode concatenated along time, episode k covering `lengths[k]` transitions and `lengths[k] + 1`
 * observation steps (the last one is the bootstrap step, as in training's replay):
 *
 * | array        | dtype   | shape                 |
 * |--------------|---------|-----------------------|
 * | `obs`        | float32 | [Σ(T_k + 1), N, O]    |
 * | `state`      | float32 | [Σ(T_k + 1), S]       |
 * | `avail`      | uint8   | [Σ(T_k + 1), N, A]    |
 * | `actions`    | int32   | [Σ T_k, N]            |
 * | `reward`     | float32 | [Σ T_k]               |
 * | `terminated` | uint8   | [Σ T_k]               |
 * | `lengths`    | int32   | [E]                   |
 *
 * Reading checks every size against the header's `info` and `lengths`, that availabilities are 0/1
 * and taken actions were available, and that numbers are finite: a file cut short, damaged or
 * written for another environment is a {@link DataError}, never loaded.
 */
import type { EnvInfo } from '../../envs/types.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { readTensorFile, writeTensorFile, type StoredArray } from '../../util/tensor-file.js';
import type { Episode } from '../replay/episode.js';

/** The format tag and version in every recorded-episodes file. */
export const EPISODES_FORMAT = 'mast-episodes';
export const EPISODES_VERSION = 1;

/** A recorded-episodes file that is cut short, damaged or inconsistent. */
export class DataError extends ToolkitError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('E_DATA', message, options);
  }
}

/** What a recorded-episodes file says about itself. */
export interface RecordedEpisodesMeta {
  format: typeof EPISODES_FORMAT;
  version: number;
  /** Environment id the episodes were played on. */
  env: string;
  info: EnvInfo;
  /** The agent that acted: its file and SHA-256, when known. */
  agent: { path: string; sha256: string } | null;
  /** Exploration: the probability of a uniformly random available action per agent and step. */
  epsilon: number;
  /** The seed every episode seed and exploration draw came from. */
  seed: number;
}

/** Episodes with what they were recorded from. */
export interface RecordedEpisodes {
  meta: RecordedEpisodesMeta;
  episodes: Episode[];
}

/** Write `data` to `path` (atomically). */
export function writeEpisodesFile(path: string, data: RecordedEpisodes): void {
  const { nAgents: n, nActions: a, obsShape: o, stateShape: s } = data.meta.info;
  const steps = data.episodes.reduce((sum, e) => sum + e.length, 0);
  const rows = steps + data.episodes.length;
  const concat = <T extends Float32Array | Uint8Array | Int32Array>(
    make: (len: number) => T,
    part: (e: Episode) => T,
  ): T => {
    const out = make(data.episodes.reduce((sum, e) => sum + part(e).length, 0));
    let offset = 0;
    for (const e of data.episodes) {
      out.set(part(e), offset);
      offset += part(e).length;
    }
    return out;
  };
  const arrays: Record<string, StoredArray> = {
    obs: {
      shape: [rows, n, o],
      data: concat(
        (l) => new Float32Array(l),
        (e) => e.obs,
      ),
    },
    state: {
      shape: [rows, s],
      data: concat(
        (l) => new Float32Array(l),
        (e) => e.state,
      ),
    },
    avail: {
      shape: [rows, n, a],
      data: concat(
        (l) => new Uint8Array(l),
        (e) => e.avail,
      ),
    },
    actions: {
      shape: [steps, n],
      data: concat(
        (l) => new Int32Array(l),
        (e) => e.actions,
      ),
    },
    reward: {
      shape: [steps],
      data: concat(
        (l) => new Float32Array(l),
        (e) => e.reward,
      ),
    },
    terminated: {
      shape: [steps],
      data: concat(
        (l) => new Uint8Array(l),
        (e) => e.terminated,
      ),
    },
    lengths: { shape: [data.episodes.length], data: Int32Array.from(data.episodes, (e) => e.length) },
  };
  writeTensorFile(path, data.meta, arrays);
}

/** Read and check a recorded-episodes file (see the module comment for what is checked). */
export function readEpisodesFile(path: string): RecordedEpisodes {
  let file: ReturnType<typeof readTensorFile>;
  try {
    file = readTensorFile(path);
  } catch (e) {
    throw new DataError(`cannot read recorded episodes from ${path}: ${(e as Error).message.split('\n')[0]}`, {
      hint: 'record them again with `mast record`',
      cause: e,
    });
  }
  const meta = checkMeta(file.meta, path);
  const { nAgents: n, nActions: a, obsShape: o, stateShape: s, episodeLimit } = meta.info;
  const get = (name: string, ctor: Function, shape: number[]): StoredArray['data'] => {
    const arr = file.arrays[name];
    if (!arr || !(arr.data instanceof ctor))
      throw new DataError(`${path}: array '${name}' is missing or of the wrong type`, {
        hint: 'record the episodes again with `mast record`',
      });
    if (arr.shape.length !== shape.length || arr.shape.some((d, i) => d !== shape[i])) {
      throw new DataError(
        `${path}: array '${name}' has shape [${arr.shape.join(', ')}], expected [${shape.join(', ')}] for ${meta.env}`,
        { hint: 'the file is damaged or was written for another environment; record it again' },
      );
    }
    return arr.data;
  };
  const lengthsArr = file.arrays.lengths;
  if (!lengthsArr || !(lengthsArr.data instanceof Int32Array) || lengthsArr.shape.length !== 1)
    throw new DataError(`${path}: no episode lengths`, { hint: 'record the episodes again with `mast record`' });
  const lengths = [...lengthsArr.data];
  if (lengths.length === 0) throw new DataError(`${path} holds no episodes`, { hint: 'record at least one episode' });
  for (const [k, len] of lengths.entries()) {
    if (!Number.isInteger(len) || len < 1 || len > episodeLimit)
      throw new DataError(`${path}: episode ${k} has length ${len}, outside [1, ${episodeLimit}]`);
  }
  const steps = lengths.reduce((x, y) => x + y, 0);
  const rows = steps + lengths.length;
  const obs = get('obs', Float32Array, [rows, n, o]) as Float32Array;
  const state = get('state', Float32Array, [rows, s]) as Float32Array;
  const avail = get('avail', Uint8Array, [rows, n, a]) as Uint8Array;
  const actions = get('actions', Int32Array, [steps, n]) as Int32Array;
  const reward = get('reward', Float32Array, [steps]) as Float32Array;
  const terminated = get('terminated', Uint8Array, [steps]) as Uint8Array;
  for (const [name, values] of [
    ['obs', obs],
    ['state', state],
    ['reward', reward],
  ] as const) {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new DataError(`${path}: ${name} holds ${values[bad]} at index ${bad}`, {
        hint: 'the environment produced non-finite values; fix it and record again',
      });
  }

  const episodes: Episode[] = [];
  let row = 0;
  let step = 0;
  for (const [k, len] of lengths.entries()) {
    const e: Episode = {
      length: len,
      obs: obs.slice(row * n * o, (row + len + 1) * n * o),
      state: state.slice(row * s, (row + len + 1) * s),
      avail: avail.slice(row * n * a, (row + len + 1) * n * a),
      actions: actions.slice(step * n, (step + len) * n),
      reward: reward.slice(step, step + len),
      terminated: terminated.slice(step, step + len),
    };
    checkEpisode(e, meta.info, `${path}: episode ${k}`);
    episodes.push(e);
    row += len + 1;
    step += len;
  }
  return { meta, episodes };
}

function checkMeta(raw: unknown, path: string): RecordedEpisodesMeta {
  const m = raw as Partial<RecordedEpisodesMeta> | null;
  if (typeof m !== 'object' || m === null || m.format !== EPISODES_FORMAT) {
    throw new DataError(`${path} is not a recorded-episodes file (format ${JSON.stringify(m?.format)})`, {
      hint: 'give a file written by `mast record`',
    });
  }
  if (m.version !== EPISODES_VERSION)
    throw new DataError(`${path}: recorded-episodes version ${m.version}, this toolkit reads ${EPISODES_VERSION}`, {
      hint: 'record the episodes again with this version',
    });
  const info = m.info as Partial<EnvInfo> | undefined;
  const sizes = ['nAgents', 'nActions', 'obsShape', 'stateShape', 'episodeLimit'] as const;
  if (
    !info ||
    sizes.some((k) => !Number.isInteger(info[k]) || (info[k] as number) < 1 || (info[k] as number) > 1_000_000) ||
    typeof m.env !== 'string'
  ) {
    throw new DataError(`${path}: its header does not describe the environment (env, ${sizes.join(', ')})`, {
      hint: 'record the episodes again with `mast record`',
    });
  }
  return m as RecordedEpisodesMeta;
}

/** Availabilities are 0 or 1, and every taken action was available. */
function checkEpisode(e: Episode, info: EnvInfo, what: string): void {
  const { nAgents: n, nActions: a } = info;
  for (let t = 0; t <= e.length; t++) {
    for (let i = 0; i < n; i++) {
      const row = e.avail.subarray((t * n + i) * a, (t * n + i + 1) * a);
      if (row.some((v) => v > 1))
        throw new DataError(`${what}: step ${t}, agent ${i}: availability values must be 0 or 1`);
      if (t < e.length) {
        const act = e.actions[t * n + i] as number;
        if (!(act >= 0 && act < a) || row[act] !== 1)
          throw new DataError(`${what}: step ${t}, agent ${i} took action ${act}, which was not available`);
      }
    }
  }
}
