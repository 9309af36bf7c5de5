/**
 * Setting up a training session, the first part of `train()`: the resume check; then the networks,
 * masks, replay buffer and RNG streams — fresh, warm-started from another run (`mast compress`) or
 * restored from the run's own checkpoint; and the weight counts the FLOP accounting reads.
 */
import { existsSync, rmSync } from 'node:fs';
import type { TrainConfig } from '../../config/types.js';
import { LEARNERS, targetMixerPasses } from '../../config/learners.js';
import { configHash, describeConfigDifferences } from '../../config/validate.js';
import type { EnvInfo } from '../../envs/types.js';
import { CheckpointError, ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { Rng } from '../../util/rng.js';
import { writeJsonAtomic } from '@mast-toolkit/runtime/internal/util/atomic';
import { readSnapshot } from '../../snapshot/io.js';
import { ExplorationRecord } from '../../sparse/exploration.js';
import { runPaths, savedRunConfig, type RunPaths } from '../../run/run-dir.js';
import { QLearner } from '../learner/learner.js';
import { Replay } from '../replay/replay.js';
import { activeWeights, fillMissingMasks, initMasks, layerDensities, observeMasks } from '../masks/masks.js';
import { agentArchitecture, networkWidths, weightCounts, type NetworkWidths } from './setup.js';
import { resetPrunedMoments } from '../masks/topology.js';
import { emptyFlopTotals, type NetworkWeights } from './flop-meter.js';
import type { EpisodeResult } from '../acting/runner.js';
import { readCheckpoint, type Counters, type LoadedCheckpoint, type RngStreams } from './checkpoint.js';
import { truncateMetrics } from './metrics.js';
import { MetricsWindow } from './metrics-window.js';

/** The RNG streams of a run, in the order they are split off the seed (after the initialisation stream). */
export const STREAM_NAMES = ['env', 'act', 'sample', 'test', 'topology'] as const;

/** The RNG streams of a run: episode seeds, exploration, replay sampling, test-episode seeds, topology evolution. */
export type TrainStreams = Record<(typeof STREAM_NAMES)[number], Rng>;

/** Everything a training session works on, as set up (and afterwards updated by the loop). */
export interface TrainSession {
  info: EnvInfo;
  /** The widths built (the configured ones, or `tiny`'s). */
  widths: NetworkWidths;
  learner: QLearner;
  buffer: Replay;
  rng: TrainStreams;
  counters: Counters;
  /** What the next metrics row averages. */
  rowWindow: MetricsWindow;
  /** Connections ever active. */
  explored: ExplorationRecord;
  /** Dense gradients summed toward the next mask update (RigL's grow score), or null. */
  growGradients: Record<string, Float32Array> | null;
  /** Environment steps already trained when the session began: the checkpoint's on resume, else 0. */
  startTEnv: number;
  /** Whether the session resumed the run from its checkpoint. */
  resumed: boolean;
  /** Episodes played but not yet stored, to store first: the checkpoint's (the acting thread's next round), else none. */
  unstored: EpisodeResult[];
}

/**
 * The checkpoint a session continues from, or null for a new run. Without a checkpoint, a resumed
 * run starts again from step 0, with its own config (never another).
 * @throws ConfigError when `config` differs from the run's (only `steps` may change on resume).
 * @throws CheckpointError when a new run would overwrite one already in `paths.dir`.
 */
export function resumePoint(config: TrainConfig, resume: boolean, paths: RunPaths): LoadedCheckpoint | null {
  const resuming = resume && existsSync(paths.checkpoint);
  const saved = resuming ? readCheckpoint(paths.checkpoint) : null;
  const recorded = saved?.config ?? (resume ? savedRunConfig(paths) : null);
  if (recorded && configHash({ ...recorded, steps: config.steps }) !== configHash(config)) {
    const differing = describeConfigDifferences({ ...recorded, steps: config.steps }, config);
    throw new ConfigError(
      `the config given differs from the one ${paths.dir} was trained with in ${differing} (only steps may change on resume)`,
      {
        hint: 'resume without overriding options, or start a new run in another directory',
      },
    );
  }
  if (!resuming && existsSync(paths.checkpoint)) {
    throw new CheckpointError(`${paths.dir} already holds a run`, {
      hint: 'pass --resume to continue it, or choose another --out directory',
    });
  }
  return saved;
}

/** The density masks start at: the config's, or gradual pruning's starting density. */
export function startDensity(config: TrainConfig): number {
  return config.pruning.schedule === 'gradual' ? config.pruning.startDensity : config.sparsity.density;
}

/**
 * Start from run `sourceDir`'s online networks (`mast compress`): a trained run goes on from where it
 * stopped (networks, optimizer state, replay, reward statistics), so only the pruning is new; an
 * imported agent brings its network alone. A sparse source pruned gradually keeps its own masks to
 * start from.
 */
function warmStart(learner: QLearner, buffer: Replay, sourceDir: string, config: TrainConfig, initRng: Rng): void {
  const source = runPaths(sourceDir);
  const gradual = config.pruning.schedule === 'gradual';
  const density = startDensity(config);
  if (existsSync(source.checkpoint)) readCheckpoint(source.checkpoint).restore(learner, buffer);
  else learner.agent.params.loadArrays(readSnapshot(source.snapshot).tensors, source.snapshot);
  if (gradual && density < 1)
    fillMissingMasks(learner.stores()); // e.g. the fresh mixer of an imported agent
  else initMasks(learner.stores(), config.sparsity, initRng, 'magnitude', density);
  resetPrunedMoments(learner.stores(), learner.optimizer);
}

/**
 * Build a session's networks, masks, replay and RNG streams from the config's seed; then either
 * restore the checkpoint `saved` (counters, streams, metrics rows after it trimmed) or begin a new
 * run (its `config.json` written, old metrics removed).
 * @param warmStartFrom a run directory whose networks a new run starts from (`mast compress`).
 */
export function startSession(
  config: TrainConfig,
  info: EnvInfo,
  paths: RunPaths,
  saved: LoadedCheckpoint | null,
  warmStartFrom?: string,
): TrainSession {
  const widths = networkWidths(config, info);
  const arch = agentArchitecture(info, widths.agent);
  const root = new Rng(config.seed);
  const initRng = root.split();
  const rng = {
    env: root.split(),
    act: root.split(),
    sample: root.split(),
    test: root.split(),
    topology: root.split(),
  };
  const learner = new QLearner(
    config,
    arch,
    { nAgents: info.nAgents, stateShape: info.stateShape },
    initRng,
    widths.mixer,
  );
  const buffer = new Replay(config.bufferSize, config.recentBuffer, info);
  if (warmStartFrom && !saved) warmStart(learner, buffer, warmStartFrom, config, initRng);
  else initMasks(learner.stores(), config.sparsity, initRng, 'random', startDensity(config));
  learner.updateTargets();
  const rowWindow = new MetricsWindow();
  let counters: Counters = {
    tEnv: 0,
    episodes: 0,
    updates: 0,
    lastTargetUpdateEpisode: 0,
    lastTestT: 0,
    lastCheckpointT: 0,
    topologyUpdates: 0,
    flops: emptyFlopTotals(),
  };
  if (saved) {
    saved.restore(learner, buffer);
    if (saved.window) rowWindow.setState(saved.window);
    counters = structuredClone(saved.counters);
    for (const k of STREAM_NAMES) rng[k].setState(saved.rng[k]);
    truncateMetrics(paths.metrics, counters.tEnv);
  } else {
    writeJsonAtomic(paths.config, config);
    rmSync(paths.metrics, { force: true });
  }
  // Connections ever active: from the initial masks, or the checkpoint's record (a checkpoint from
  // before it was kept starts it again from the current masks).
  const explored = saved?.explored ?? new ExplorationRecord();
  observeMasks(explored, learner.stores());
  return {
    info,
    widths,
    learner,
    buffer,
    rng,
    counters,
    rowWindow,
    explored,
    growGradients: saved?.growGradients ?? null,
    startTEnv: counters.tEnv,
    resumed: saved !== null,
    unstored: saved?.unstored ?? [],
  };
}

/** The RNG streams' states, as a checkpoint stores them. */
export function streamStates(rng: TrainStreams): RngStreams {
  return {
    env: rng.env.getState(),
    act: rng.act.getState(),
    sample: rng.sample.getState(),
    test: rng.test.getState(),
    topology: rng.topology.getState(),
  };
}

/** The FLOP accounting's view of a session's networks. */
export interface FlopSetup {
  /** Active and dense weight counts of agent and mixer side now (active counts change while gradual pruning runs). */
  weights(): NetworkWeights;
  /** Target-mixer passes per transition (RES: N·A). */
  targetMixerPasses: number;
}

/** The dense networks' weight counts (at the configured widths) beside the session's active ones. */
export function flopSetup(config: TrainConfig, info: EnvInfo, learner: QLearner): FlopSetup {
  const dense = weightCounts(info, config.alg, { agent: config.agent, mixer: config.mixer }, config.wqmix.centralEmbed);
  return {
    weights: () => {
      const active = activeWeights(layerDensities(learner.stores()));
      return { agentActive: active.agent, mixerActive: active.mixer, agentDense: dense.agent, mixerDense: dense.mixer };
    },
    targetMixerPasses: targetMixerPasses(LEARNERS[config.alg], info.nAgents, info.nActions),
  };
}
