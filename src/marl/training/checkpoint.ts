/**
 * Checkpoints: everything needed to continue a run exactly where it stopped: online and target
 * networks with their masks, optimizer moments, the replay buffer, step counters and every RNG
 * stream. One tensor file, written atomically, so a crash leaves the previous checkpoint intact.
 */
import type { TrainConfig } from '../../config/types.js';
import { parseConfig } from '../../config/validate.js';
import type { RngState } from '../../util/rng.js';
import { readTensorFile, writeTensorFile, type StoredArray } from '../../util/tensor-file.js';
import { CheckpointError } from '@mast-toolkit/runtime/internal/util/errors';
import { TOOLKIT_VERSION } from '../../version.js';
import type { QLearner } from '../learner/learner.js';
import type { Replay, BufferMeta } from '../replay/replay.js';
import type { ParamArrays, ParamStore } from '../nets/params.js';
import type { FlopTotals } from './flop-meter.js';
import type { RewardStats } from '../learner/reward-scale.js';
import type { MetricsWindowState } from './metrics-window.js';
import { ExplorationRecord } from '../../sparse/exploration.js';
import type { EpisodeResult } from '../acting/runner.js';
import { unstoredFromArrays, unstoredToArrays, type UnstoredMeta } from './unstored-episodes.js';

/** Step counters of a run. */
export interface Counters {
  /** Environment steps taken in training episodes. */
  tEnv: number;
  /** Training episodes played. */
  episodes: number;
  /** Learner updates made. */
  updates: number;
  /** Episode count at the last target-network sync. */
  lastTargetUpdateEpisode: number;
  /** tEnv at the last test phase. */
  lastTestT: number;
  /** tEnv at the last checkpoint. */
  lastCheckpointT: number;
  /** Mask updates made. */
  topologyUpdates: number;
  /** Training and inference FLOPs so far, sparse and dense reference. */
  flops: FlopTotals;
}

/** The run's RNG streams: environment seeds, exploration, replay sampling, test-episode seeds, SET's grow scores. */
export interface RngStreams {
  env: RngState;
  act: RngState;
  sample: RngState;
  test: RngState;
  topology: RngState;
}

/** Key prefix of the exploration record's arrays. */
const EXPLORED = 'explored/';
/** Key prefix of the dense gradients summed toward the next mask update (`topology.gradientUpdates`). */
const GROW_GRADIENT = 'growGradient/';

/** Arrays of `arrays` under `prefix`, keyed by the rest of their names; null when there are none. */
function withPrefix<T extends StoredArray['data']>(
  arrays: Record<string, StoredArray>,
  prefix: string,
): Record<string, T> | null {
  const found = Object.entries(arrays).filter(([k]) => k.startsWith(prefix));
  return found.length === 0 ? null : Object.fromEntries(found.map(([k, v]) => [k.slice(prefix.length), v.data as T]));
}

/** The checkpoint layout version this toolkit writes and reads. */
const CHECKPOINT_VERSION = 2;

interface CheckpointMeta {
  format: 'mast-checkpoint';
  version: typeof CHECKPOINT_VERSION;
  toolkitVersion: string;
  config: TrainConfig;
  counters: Counters;
  rng: RngStreams;
  optimizerStep: number;
  buffer: { main: BufferMeta; recent: BufferMeta | null };
  /** Running reward statistics (`standardiseRewards`; absent in checkpoints from before it existed). */
  rewardStats?: RewardStats;
  /** What the next metrics row averages (absent in checkpoints from before it was kept). */
  metricsWindow?: MetricsWindowState;
  /** Episodes played but not yet stored (the acting thread's next round); absent when there are none. */
  unstored?: UnstoredMeta[];
}

function storeArrays(prefix: string, store: ParamStore, out: Record<string, StoredArray>): void {
  for (const [name, a] of Object.entries(store.toArrays())) {
    out[`${prefix}/${name}`] = { shape: a.shape, data: a.values };
    if (a.mask) out[`${prefix}/${name}#mask`] = { shape: a.shape, data: a.mask };
  }
}

function loadStore(prefix: string, store: ParamStore, arrays: Record<string, StoredArray>, what: string): void {
  const params: Record<string, ParamArrays> = {};
  for (const name of store.names()) {
    const v = arrays[`${prefix}/${name}`];
    if (!v)
      throw new CheckpointError(`${what}: missing tensor '${prefix}/${name}'`, {
        hint: 'the checkpoint was written for another architecture or is damaged',
      });
    const m = arrays[`${prefix}/${name}#mask`];
    params[name] = { shape: v.shape, values: v.data as Float32Array, ...(m ? { mask: m.data as Uint8Array } : {}) };
  }
  store.loadArrays(params, what);
}

/** Every parameter store of a learner under its checkpoint prefix: `agent`, `mixer`, `critic`, then `targetAgent`, …. */
function allStores(learner: QLearner): Array<[string, ParamStore]> {
  const online = Object.entries(learner.stores());
  const targets = Object.entries(learner.targetStores()).map(([k, s]): [string, ParamStore] => [
    `target${k[0]!.toUpperCase()}${k.slice(1)}`,
    s,
  ]);
  return [...online, ...targets];
}

/** Write a checkpoint of the whole trainer atomically. */
export function saveCheckpoint(
  path: string,
  config: TrainConfig,
  learner: QLearner,
  buffer: Replay,
  counters: Counters,
  rng: RngStreams,
  metricsWindow: MetricsWindowState,
  explored: ExplorationRecord,
  growGradients: Record<string, Float32Array> | null,
  unstored: readonly EpisodeResult[] = [],
): void {
  const arrays: Record<string, StoredArray> = {};
  for (const [prefix, store] of allStores(learner)) storeArrays(prefix, store, arrays);
  const opt = learner.optimizer.getState();
  for (const [k, v] of Object.entries(opt.moments)) arrays[`optimizer/${k}`] = { shape: [v.length], data: v };
  for (const [k, v] of Object.entries(explored.toArrays())) arrays[`${EXPLORED}${k}`] = { shape: [v.length], data: v };
  for (const [k, v] of Object.entries(growGradients ?? {}))
    arrays[`${GROW_GRADIENT}${k}`] = { shape: [v.length], data: v };
  const replay = buffer.toArrays();
  Object.assign(arrays, replay.arrays);
  const pending = unstoredToArrays(unstored);
  Object.assign(arrays, pending.arrays);
  const meta: CheckpointMeta = {
    format: 'mast-checkpoint',
    version: CHECKPOINT_VERSION,
    toolkitVersion: TOOLKIT_VERSION,
    config,
    counters,
    rng,
    optimizerStep: opt.step,
    buffer: replay.meta,
    rewardStats: learner.rewardScale.getState(),
    metricsWindow,
    ...(unstored.length > 0 ? { unstored: pending.meta } : {}),
  };
  writeTensorFile(path, meta, arrays);
}

/** A checkpoint read from disk, before it is loaded into a learner. */
export interface LoadedCheckpoint {
  config: TrainConfig;
  counters: Counters;
  rng: RngStreams;
  /** The metrics window at the checkpoint; null for checkpoints from before it was kept (the next row then averages only what follows). */
  window: MetricsWindowState | null;
  /** The connections ever active up to the checkpoint; null for checkpoints from before it was kept. */
  explored: ExplorationRecord | null;
  /** The dense gradients summed so far toward the next mask update; null when none were pending. */
  growGradients: Record<string, Float32Array> | null;
  /** Episodes played but not yet stored when it was written (the acting thread's next round), in play order. */
  unstored: EpisodeResult[];
  /**
   * Load the saved networks, optimizer, replay and reward statistics into freshly built objects of
   * the same architecture (the counters and RNG streams are the caller's to take: a resumed run
   * does, a run fine-tuning these networks in `mast compress` starts its own).
   */
  restore(learner: QLearner, buffer: Replay): void;
}

/**
 * The header's counters and RNG states are well-formed (the header CRC catches damage; this catches
 * a file written by something else): counts are non-negative integers, RNG states four uint32 words.
 */
function checkMeta(m: CheckpointMeta, path: string): void {
  const fail = (what: string): never => {
    throw new CheckpointError(`${path}: malformed checkpoint header (${what})`, {
      hint: 'the file is damaged; resume from a copy, or train the run again',
    });
  };
  const c = (m.counters ?? {}) as unknown as Record<string, unknown>;
  for (const k of [
    'tEnv',
    'episodes',
    'updates',
    'lastTargetUpdateEpisode',
    'lastTestT',
    'lastCheckpointT',
    'topologyUpdates',
  ] as const) {
    if (!Number.isSafeInteger(c[k]) || (c[k] as number) < 0) fail(`counters.${k} is ${JSON.stringify(c[k])}`);
  }
  if (typeof c.flops !== 'object' || c.flops === null) fail('counters.flops is missing');
  for (const k of ['env', 'act', 'sample', 'test', 'topology'] as const) {
    const st = (m.rng as unknown as Record<string, unknown> | undefined)?.[k];
    if (!Array.isArray(st) || st.length !== 4 || !st.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff))
      fail(`rng.${k} is not an RNG state`);
  }
  if (!Number.isSafeInteger(m.optimizerStep) || m.optimizerStep < 0)
    fail(`optimizerStep is ${JSON.stringify(m.optimizerStep)}`);
  const isBuffer = (b: unknown): boolean => {
    const o = b as Partial<BufferMeta> | null;
    return (
      typeof o === 'object' &&
      o !== null &&
      Array.isArray(o.lengths) &&
      o.lengths.every((l) => Number.isSafeInteger(l) && l >= 0) &&
      Number.isSafeInteger(o.next) &&
      o.next! >= 0
    );
  };
  if (
    typeof m.buffer !== 'object' ||
    m.buffer === null ||
    !isBuffer(m.buffer.main) ||
    (m.buffer.recent !== null && !isBuffer(m.buffer.recent))
  )
    fail('the replay buffer description is malformed');
  if (m.rewardStats !== undefined) {
    const r = m.rewardStats as unknown as Record<string, unknown>;
    if (typeof r !== 'object' || r === null || !['mean', 'variance', 'count'].every((k) => Number.isFinite(r[k])))
      fail('rewardStats is malformed');
  }
  if (m.metricsWindow !== undefined && (typeof m.metricsWindow !== 'object' || m.metricsWindow === null))
    fail('metricsWindow is malformed');
  if (
    m.unstored !== undefined &&
    !(
      Array.isArray(m.unstored) &&
      m.unstored.every(
        (e) =>
          typeof e === 'object' &&
          e !== null &&
          Number.isSafeInteger(e.length) &&
          e.length >= 0 &&
          typeof e.return === 'number' &&
          (e.won === null || typeof e.won === 'boolean'),
      )
    )
  )
    fail('the unstored episodes are malformed');
}

/** Read and check a checkpoint; a missing, truncated or foreign file gives a {@link CheckpointError}. */
export function readCheckpoint(path: string): LoadedCheckpoint {
  const { meta, arrays } = readTensorFile(path);
  const m = meta as CheckpointMeta;
  if (typeof m !== 'object' || m === null || m.format !== 'mast-checkpoint')
    throw new CheckpointError(`${path} is not a MAST checkpoint (format '${m?.format}')`);
  if (m.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `${path} is a version ${m.version} checkpoint; this toolkit reads version ${CHECKPOINT_VERSION}`,
      {
        hint: 'export its agent.snapshot with the toolkit that wrote it, or train the run again',
      },
    );
  }
  checkMeta(m, path);
  const config = parseConfig(m.config, `${path} (config)`);
  const explored = withPrefix<Uint8Array>(arrays, EXPLORED);
  return {
    config,
    counters: m.counters,
    rng: m.rng,
    window: m.metricsWindow ?? null,
    explored: explored && ExplorationRecord.fromArrays(explored),
    growGradients: withPrefix<Float32Array>(arrays, GROW_GRADIENT),
    unstored: unstoredFromArrays(m.unstored ?? [], arrays, path),
    restore(learner, buffer) {
      for (const [prefix, store] of allStores(learner)) loadStore(prefix, store, arrays, path);
      const moments: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(arrays))
        if (k.startsWith('optimizer/')) moments[k.slice('optimizer/'.length)] = v.data as Float32Array;
      learner.optimizer.setState({ step: m.optimizerStep, moments }, path);
      buffer.loadArrays(m.buffer, arrays, path);
      if (m.rewardStats) learner.rewardScale.setState(m.rewardStats);
    },
  };
}
