/**
 * The training loop (pymarl's run.py, read top to bottom): play an episode, store it, learn from a
 * replay batch, sync targets, test greedily, checkpoint. Every random draw comes from streams split
 * off the config's seed, and a checkpoint holds all of them, so a resumed run continues the exact
 * sequence an uninterrupted one would have taken.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { TrainConfig } from '../config/types.js';
import { configHash, parseConfig } from '../config/validate.js';
import { makeEnv, prepareEnv, type EnvOptions } from '../envs/registry.js';
import type { MultiAgentEnv } from '../envs/types.js';
import { Rng } from '../util/rng.js';
import { eventLoopYielder } from '../util/event-loop.js';
import { CheckpointError, ConfigError, NumericError, ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { FileLock } from '../util/lock.js';
import { writeJsonAtomic } from '@mast-toolkit/runtime/internal/util/atomic';
import { readSnapshot, writeSnapshot } from '../snapshot/io.js';
import { writeMixerSnapshot } from '../snapshot/mixer.js';
import { ALGORITHM_MIXER } from '../config/types.js';
import type { AgentSnapshot, ModelProvenance } from '@mast-toolkit/runtime/internal/snapshot/types';
import { TOOLKIT_VERSION } from '../version.js';
import { initBackend } from './backend.js';
import { dropFractionAt, isGrowGradientUpdate, isTopologyUpdate } from '../sparse/topology.js';
import { gradualDensityAt } from '../sparse/prune.js';
import { QLearner } from './learner.js';
import { Replay } from './replay.js';
import { AgentController } from './controller.js';
import { runEpisode, type EpisodeResult } from './runner.js';
import { runEpisodesTogether } from './lockstep-runner.js';
import { endAtTimeLimit } from './episode.js';
import { activeWeights, fillMissingMasks, initMasks, layerDensities, globalDensity, observeMasks, reachedDensity, type LayerDensity } from './masks.js';
import { ExplorationRecord } from '../sparse/exploration.js';
import { agentArchitecture, epsilonAt, networkWidths, weightCounts } from './setup.js';
import { addGradients, evolveTopology, growRule, pruneToDensity, resetPrunedMoments } from './topology.js';
import { addInferenceFlops, addUpdateFlops, emptyFlopTotals, flopRatios, type NetworkWeights } from './flop-meter.js';
import { readCheckpoint, saveCheckpoint, type Counters } from './checkpoint.js';
import { appendMetrics, divergedLoss, truncateMetrics, type MetricsRow } from './metrics.js';
import { MetricsWindow } from './metrics-window.js';
import { openRunDir, runPaths, type RunPaths } from './run-dir.js';
import { evaluateGreedy } from './evaluate.js';
import { mixerSnapshot } from './mixers/index.js';

/** Where and how to train. */
export interface TrainOptions {
  /** Run directory (created if missing). */
  outDir: string;
  /**
   * Continue the run saved in `outDir` (its config must equal `config` except for `steps`). With no
   * checkpoint there yet, the run starts again from step 0 — with its own `config.json`, which
   * `config` must then equal likewise.
   */
  resume?: boolean;
  /** The run directory's lock when the caller already holds it (a study); otherwise `train` takes it for the run. */
  lock?: FileLock;
  /** Recorded in the agent's metadata (and so in exported models): what a compression started from. */
  provenance?: ModelProvenance;
  /** tfjs backend (default `wasm`). */
  backend?: string;
  /** Stop (with a checkpoint) once this many environment steps are done, before `config.steps`. */
  stopAtStep?: number;
  /** Abort (with a checkpoint) at the next episode boundary, e.g. on Ctrl-C. */
  signal?: AbortSignal;
  /**
   * Start from this run directory's online networks — its checkpoint's agent and mixer, or only its
   * agent snapshot (an imported agent; the mixer starts fresh) — and prune them by magnitude to the
   * config's density, instead of a random sparse initialisation (`mast compress`).
   */
  warmStartFrom?: string;
  /** Called after each training episode. */
  onEpisode?: (p: { tEnv: number; steps: number; episodes: number; epsilon: number; return: number; loss: number | null }) => void;
  /** Called with each metrics row. */
  onMetrics?: (row: MetricsRow) => void;
  /** How to run a bridged environment (Python interpreter, timeout); the config's `envArgs` are added. */
  envOptions?: Omit<EnvOptions, 'args'>;
}

/** What a finished (or stopped) call to {@link train} reports. */
export interface TrainSummary {
  paths: RunPaths;
  config: TrainConfig;
  counters: Counters;
  /** Whether `config.steps` was reached (false when stopped early). */
  completed: boolean;
  last: MetricsRow | null;
  /** Seconds this call trained for (a resumed run's earlier sessions not included). */
  elapsedSec: number;
  /** Environment steps already trained when this call began: the checkpoint's on resume, else 0. */
  startTEnv: number;
  /** See {@link RunSummaryFile.diverged}. */
  diverged: { tEnv: number; loss: number } | null;
}

/** The contents of a run's `summary.json`. */
export interface RunSummaryFile {
  config: TrainConfig;
  counters: Counters;
  completed: boolean;
  last: MetricsRow | null;
  /** Global density of all masked weights (agent and mixer). */
  density: number;
  /** Per-layer density of every weight matrix. */
  layers: LayerDensity[];
  elapsedSec: number;
  /**
   * The first metrics row whose mean loss exceeded `DIVERGED_LOSS` (see `metrics.ts`: training blew up), or null;
   * absent in summaries from before it was kept.
   */
  diverged?: { tEnv: number; loss: number } | null;
}

/**
 * Train (or resume) a run; see {@link TrainOptions}. The run directory is locked meanwhile (see
 * `openRunDir`): a second process training it fails with `E_LOCKED` instead of racing this one.
 */
export async function train(config: TrainConfig, options: TrainOptions): Promise<TrainSummary> {
  const lock = options.lock ?? openRunDir(options.outDir);
  try {
    return await trainInEnvironments(config, options);
  } finally {
    if (lock !== options.lock) lock.release();
  }
}

/**
 * The config of the run in `paths.dir` as its `config.json` records it, or null when it has none.
 * @throws CheckpointError when the file cannot be read or parsed.
 */
export function savedRunConfig(paths: RunPaths): TrainConfig | null {
  if (!existsSync(paths.config)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(paths.config, 'utf8'));
  } catch (err) {
    throw new CheckpointError(`${paths.config} cannot be read: ${(err as Error).message}`, {
      hint: 'the run directory is damaged: restore config.json from a copy, or start a new run in another directory',
      cause: err,
    });
  }
  try {
    return parseConfig(raw, paths.config);
  } catch (err) {
    throw new CheckpointError(`${paths.config} is not a valid config: ${(err as Error).message.split('\n')[0]}`, {
      hint: 'the run directory is damaged or from another toolkit version: restore config.json, or start a new run in another directory',
      cause: err,
    });
  }
}

/**
 * {@link train} with the run directory locked: the environments are closed on every exit path, and
 * when a user environment fails (a Python process crashing, hanging or raising), the run's last
 * checkpoint stays as it was and the error says how to resume.
 */
async function trainInEnvironments(config: TrainConfig, options: TrainOptions): Promise<TrainSummary> {
  await prepareEnv(config.env);
  const envs: MultiAgentEnv[] = [];
  const open = (): MultiAgentEnv => {
    const env = makeEnv(config.env, { ...options.envOptions, args: config.envArgs });
    envs.push(env);
    return env;
  };
  try {
    return await trainWith(config, options, open);
  } catch (err) {
    // A bridged environment's hint says how to resume `--out DIR`: name the directory.
    if (err instanceof ToolkitError && err.code === 'E_ENV_BRIDGE' && err.hint?.includes('--out DIR')) {
      const base = err.message.slice(0, err.message.length - `\n  hint: ${err.hint}`.length);
      const kept = existsSync(runPaths(options.outDir).checkpoint) ? '' : ' (no checkpoint was written yet, so it starts over)';
      throw new ToolkitError(err.code, base, { hint: err.hint.replace('--out DIR', `--out ${options.outDir}`) + kept, cause: err });
    }
    throw err;
  } finally {
    for (const env of envs) env.close?.();
  }
}

async function trainWith(config: TrainConfig, options: TrainOptions, openEnv: () => MultiAgentEnv): Promise<TrainSummary> {
  await initBackend(options.backend ?? 'wasm');
  const paths = runPaths(options.outDir);
  const resuming = options.resume === true && existsSync(paths.checkpoint);
  const saved = resuming ? readCheckpoint(paths.checkpoint) : null;
  // Without a checkpoint, a resumed run starts again from step 0, with its own config (never another).
  const recorded = saved?.config ?? (options.resume === true ? savedRunConfig(paths) : null);
  if (recorded && configHash({ ...recorded, steps: config.steps }) !== configHash(config)) {
    throw new ConfigError(`the config given differs from the one ${paths.dir} was trained with (only steps may change on resume)`, {
      hint: 'resume without overriding options, or start a new run in another directory',
    });
  }
  if (!resuming && existsSync(paths.checkpoint)) {
    throw new CheckpointError(`${paths.dir} already holds a run`, { hint: 'pass --resume to continue it, or choose another --out directory' });
  }

  // --- set up: environment, networks, masks, replay, RNG streams
  const env = openEnv();
  const testEnv = openEnv();
  const info = env.getEnvInfo();
  const widths = networkWidths(config, info);
  const arch = agentArchitecture(info, widths.agent);
  const root = new Rng(config.seed);
  const initRng = root.split();
  const rng = { env: root.split(), act: root.split(), sample: root.split(), test: root.split(), topology: root.split() };
  const learner = new QLearner(config, arch, { nAgents: info.nAgents, stateShape: info.stateShape }, initRng, widths.mixer);
  const buffer = new Replay(config.bufferSize, config.recentBuffer, info);
  const gradual = config.pruning.schedule === 'gradual';
  const startDensity = gradual ? config.pruning.startDensity : config.sparsity.density;
  if (options.warmStartFrom && !saved) {
    // A trained run goes on from where it stopped (networks, optimizer state, replay, reward
    // statistics), so only the pruning is new; an imported agent brings its network alone. A
    // sparse source pruned gradually keeps its own masks to start from.
    const source = runPaths(options.warmStartFrom);
    if (existsSync(source.checkpoint)) readCheckpoint(source.checkpoint).restore(learner, buffer);
    else learner.agent.params.loadArrays(readSnapshot(source.snapshot).tensors, source.snapshot);
    if (gradual && startDensity < 1) fillMissingMasks(learner.stores()); // e.g. the fresh mixer of an imported agent
    else initMasks(learner.stores(), config.sparsity, initRng, 'magnitude', startDensity);
    resetPrunedMoments(learner.stores(), learner.optimizer);
  } else {
    initMasks(learner.stores(), config.sparsity, initRng, 'random', startDensity);
  }
  learner.updateTargets();
  const rowWindow = new MetricsWindow(); // what the next metrics row averages
  let counters: Counters = { tEnv: 0, episodes: 0, updates: 0, lastTargetUpdateEpisode: 0, lastTestT: 0, lastCheckpointT: 0, topologyUpdates: 0, flops: emptyFlopTotals() };
  if (saved) {
    saved.restore(learner, buffer);
    if (saved.window) rowWindow.setState(saved.window);
    counters = structuredClone(saved.counters);
    for (const k of ['env', 'act', 'sample', 'test', 'topology'] as const) rng[k].setState(saved.rng[k]);
    truncateMetrics(paths.metrics, counters.tEnv);
  } else {
    writeJsonAtomic(paths.config, config);
    rmSync(paths.metrics, { force: true });
  }
  const startTEnv = counters.tEnv;
  // Connections ever active: from the initial masks, or the checkpoint's record (a checkpoint from
  // before it was kept starts it again from the current masks).
  const explored = saved?.explored ?? new ExplorationRecord();
  let growGradients = saved?.growGradients ?? null; // dense gradients summed toward the next mask update
  observeMasks(explored, learner.stores());
  const controller = new AgentController(learner.agent, info.nAgents, { kernels: config.compute === 'kernels' });
  // envWorkers > 1: more environments, each with its controller, played in lockstep (the first is `env`)
  const workers = [env, ...Array.from({ length: config.envWorkers - 1 }, openEnv)];
  const workerControllers = workers.map((_, k) => (k === 0 ? controller : new AgentController(learner.agent, info.nAgents, { kernels: config.compute === 'kernels' })));
  const rule = growRule(config.sparsity.mode, config.topology.grow);
  const topologyEnd = config.topology.endFraction * config.steps; // T_end in environment steps
  const pruningEnd = config.pruning.endFraction * config.steps; // T_p, gradual pruning only
  // Topology updates move connections, so active counts change only while gradual pruning runs.
  let atFinalDensity = !gradual || reachedDensity(learner.stores(), config.sparsity.density, config.sparsity.distribution);
  const dense = weightCounts(info, config.alg, { agent: config.agent, mixer: config.mixer }, config.wqmix.centralEmbed);
  const targetMixerPasses = config.alg === 'res-qmix' ? info.nAgents * info.nActions : 1;
  const currentFlopWeights = (): NetworkWeights => {
    const active = activeWeights(layerDensities(learner.stores()));
    return { agentActive: active.agent, mixerActive: active.mixer, agentDense: dense.agent, mixerDense: dense.mixer };
  };
  let flopWeights = currentFlopWeights();
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  let lastCheckpointAt = started; // wall clock of the last checkpoint (schedule.checkpointSeconds)
  let diverged: RunSummaryFile['diverged'] = null;

  const snapshot = (): AgentSnapshot =>
    learner.agent.toSnapshot({
      env: config.env,
      algorithm: config.alg,
      sparsityMode: config.sparsity.mode,
      density: config.sparsity.density,
      seed: config.seed,
      trainedSteps: counters.tEnv,
      configHash: configHash(config),
      config,
      toolkitVersion: TOOLKIT_VERSION,
      trainFlopsRatio: flopRatios(counters.flops).train,
      ...(options.provenance ? { provenance: options.provenance } : {}),
    });
  const checkpoint = (): void => {
    counters.lastCheckpointT = counters.tEnv;
    lastCheckpointAt = performance.now();
    const streams = { env: rng.env.getState(), act: rng.act.getState(), sample: rng.sample.getState(), test: rng.test.getState(), topology: rng.topology.getState() };
    saveCheckpoint(paths.checkpoint, config, learner, buffer, counters, streams, rowWindow.getState(), explored, growGradients);
    const agentSnap = snapshot();
    writeSnapshot(paths.snapshot, agentSnap);
    writeMixerSnapshot(paths.mixerSnapshot, mixerSnapshot(learner.mixer, { kind: ALGORITHM_MIXER[config.alg], nAgents: info.nAgents, stateShape: info.stateShape, ...widths.mixer }, agentSnap.metadata));
  };

  let last: MetricsRow | null = null;
  const test = (): void => {
    const result = evaluateGreedy(testEnv, controller, config.schedule.testEpisodes, rng.test);
    const layers = layerDensities(learner.stores());
    const ratios = flopRatios(counters.flops);
    const { trainReturn, loss, tdErrorAbs, qTaken, gradNorm, topologySwaps, topologyUpdates, targets } = rowWindow.summary();
    last = {
      tEnv: counters.tEnv,
      episodes: counters.episodes,
      updates: counters.updates,
      epsilon: epsilonAt(counters.tEnv, config.epsilon),
      elapsedSec: elapsed(),
      trainReturn,
      loss,
      tdErrorAbs,
      qTaken,
      gradNorm,
      testReturn: result.returnMean,
      testReturnStd: result.returnStd,
      testWinRate: result.winRate,
      globalDensity: globalDensity(layers),
      layerDensity: Object.fromEntries(layers.map((l) => [l.name, l.density])),
      exploredFraction: explored.fraction(),
      layerExplored: explored.perLayer(),
      trainFlopsRatio: ratios.train,
      inferenceFlopsRatio: ratios.inference,
      topologySwaps,
      topologyUpdates,
      targets,
    };
    if (diverged === null && divergedLoss(loss)) diverged = { tEnv: counters.tEnv, loss: loss! };
    appendMetrics(paths.metrics, last);
    options.onMetrics?.(last);
    rowWindow.reset();
    counters.lastTestT = counters.tEnv;
  };

  if (!saved) test(); // the untrained baseline at t = 0
  const yieldToEventLoop = eventLoopYielder();
  const stopAt = Math.min(config.steps, options.stopAtStep ?? Infinity);
  try {
    let queue: EpisodeResult[] = []; // episodes played together (envWorkers > 1), taken one per iteration
    while ((counters.tEnv < stopAt && !options.signal?.aborted) || queue.length > 0) {
      // --- act: one exploring episode (or one per environment, in lockstep, when the last are used up)
      const epsilon = epsilonAt(counters.tEnv, config.epsilon);
      if (queue.length === 0) {
        queue = workers.length === 1 ? [runEpisode(env, controller, rng.env.seed(), epsilon, rng.act)] : runEpisodesTogether(workers, workerControllers, workers.map(() => rng.env.seed()), epsilon, rng.act);
      }
      const played = queue.shift() as EpisodeResult;
      buffer.insert(config.terminalOnTimeLimit ? endAtTimeLimit(played.episode) : played.episode);
      counters.tEnv += played.episode.length;
      counters.episodes += 1;
      addInferenceFlops(counters.flops, flopWeights, played.episode.length * info.nAgents);
      rowWindow.addEpisode(played.return);

      // --- learn: one update from a replay batch
      let loss: number | null = null;
      if (buffer.canSample(config.batchSize)) {
        const update = counters.updates + 1;
        const evolving = rule !== null && atFinalDensity && counters.tEnv < topologyEnd; // masks still move
        const evolve = evolving && isTopologyUpdate(update, config.topology.interval, counters.tEnv, topologyEnd);
        const collect = evolving && rule === 'gradient' && isGrowGradientUpdate(update, config.topology.interval, config.topology.gradientUpdates);
        const batch = buffer.sample(config.batchSize, rng.sample);
        const { stats: s, denseGrads } = trainStep(() => learner.train(batch, { tEnv: counters.tEnv, denseGrads: collect }), counters);
        if (denseGrads) growGradients = addGradients(growGradients, denseGrads);
        else if (!evolving) growGradients = null; // T_end came inside a window: no mask change will read it
        rowWindow.addUpdate(s);
        loss = s.loss;
        counters.updates += 1;
        const agentRows = batch.size * (batch.maxT + 1) * info.nAgents;
        addUpdateFlops(counters.flops, flopWeights, agentRows, batch.size * batch.maxT, denseGrads !== null, targetMixerPasses);

        // --- evolve topology: every ΔT updates until T_end, move ζ_t of each tensor's connections
        if (evolve && rule !== null) {
          const fraction = dropFractionAt(counters.tEnv, config.topology.dropFraction, topologyEnd);
          rowWindow.addTopologyUpdate(evolveTopology(learner.stores(), learner.optimizer, rule, fraction, growGradients, rng.topology).swapped);
          growGradients = null;
          counters.topologyUpdates += 1;
          observeMasks(explored, learner.stores());
        }

        // --- gradual pruning: every few updates until T_p, then once more to the final density
        if (gradual && !atFinalDensity && (counters.updates % config.pruning.interval === 0 || counters.tEnv >= pruningEnd)) {
          const density = gradualDensityAt(counters.tEnv, config.sparsity.density, pruningEnd, startDensity);
          pruneToDensity(learner.stores(), learner.optimizer, density, config.sparsity.distribution);
          flopWeights = currentFlopWeights();
          atFinalDensity = counters.tEnv >= pruningEnd;
        }

        // --- sync targets: hard copy (weights and masks) every few episodes
        if (counters.episodes - counters.lastTargetUpdateEpisode >= config.targetUpdateInterval) {
          learner.updateTargets();
          counters.lastTargetUpdateEpisode = counters.episodes;
        }
      }
      options.onEpisode?.({ tEnv: counters.tEnv, steps: config.steps, episodes: counters.episodes, epsilon, return: played.return, loss });
      // Let the event loop run now and then: a Ctrl-C handler (which aborts `options.signal`) and piped
      // output only run when it does, and this loop would otherwise hold it for the whole run.
      await yieldToEventLoop();

      // --- test and checkpoint on their schedules
      if (counters.tEnv - counters.lastTestT >= config.schedule.testInterval) test();
      const checkpointDue = counters.tEnv - counters.lastCheckpointT >= config.schedule.checkpointInterval;
      // never with played episodes pending (envWorkers), so a resumed run replays exactly
      if (queue.length === 0 && (checkpointDue || performance.now() - lastCheckpointAt >= config.schedule.checkpointSeconds * 1000)) checkpoint();
    }
    if (counters.tEnv >= config.steps && counters.lastTestT !== counters.tEnv) test();
    checkpoint();
    const layers = layerDensities(learner.stores());
    const summary: RunSummaryFile = { config, counters, completed: counters.tEnv >= config.steps, last, density: globalDensity(layers), layers, elapsedSec: elapsed(), diverged };
    writeJsonAtomic(paths.summary, summary);
    return { paths, config, counters, completed: counters.tEnv >= config.steps, last, elapsedSec: elapsed(), startTEnv, diverged };
  } finally {
    learner.dispose();
  }
}

/**
 * One learner update; a non-finite loss is reported with the step it happened at and the fix that
 * works (a new run: `--resume` keeps the run's config, learning rate included).
 */
function trainStep<T>(update: () => T, counters: Counters): T {
  try {
    return update();
  } catch (err) {
    if (!(err instanceof NumericError)) throw err;
    const what = err.message.split('\n')[0];
    const kept = counters.lastCheckpointT > 0 ? `the last checkpoint, at step ${counters.lastCheckpointT}, is kept as it was` : 'no checkpoint had been written yet';
    throw new NumericError(`${what} at environment step ${counters.tEnv} (learner update ${counters.updates + 1}); ${kept}`, {
      hint: 'train a new run in another --out directory with a lower optimizer.lr (e.g. --config with {"optimizer": {"lr": 0.0001}}) or smaller rewards; resuming this run would repeat the same updates',
      cause: err,
    });
  }
}
