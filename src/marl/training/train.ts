/**
 * The training loop (pymarl's run.py, read top to bottom): set up (`train-setup.ts`), then play an
 * episode (or a round of `envWorkers` in lockstep), store it (with runner `parallel`, the whole
 * round), learn from a replay batch, evolve the topology, sync targets, and test greedily and
 * checkpoint on their schedules (`train-record.ts`). Every random draw comes from streams split
 * off the config's seed, and a checkpoint holds all of them, so a resumed run continues the exact
 * sequence an uninterrupted one would have taken.
 */
import { existsSync } from 'node:fs';
import { runsOnKernels, type TrainConfig } from '../../config/types.js';
import { makeEnv, prepareEnv, type EnvOptions } from '../../envs/registry.js';
import type { MultiAgentEnv } from '../../envs/types.js';
import { eventLoopYielder } from '../../util/event-loop.js';
import { NumericError, ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { FileLock } from '../../util/lock.js';
import type { ModelProvenance } from '@mast-toolkit/runtime/internal/snapshot/types';
import { dropFractionAt, isGrowGradientUpdate, isTopologyUpdate } from '../../sparse/topology.js';
import { gradualDensityAt } from '../../sparse/prune.js';
import { openRunDir, runPaths, type RunPaths } from '../../run/run-dir.js';
import { initBackend } from '../backend.js';
import { AgentController } from '../acting/controller.js';
import type { EpisodeResult } from '../acting/runner.js';
import { openActor } from '../acting/actor.js';
import { endAtTimeLimit } from '../replay/episode.js';
import { observeMasks, reachedDensity } from '../masks/masks.js';
import { epsilonAt } from './setup.js';
import { addGradients, evolveTopology, growRule, pruneToDensity } from '../masks/topology.js';
import { addInferenceFlops, addUpdateFlops } from './flop-meter.js';
import type { Counters } from './checkpoint.js';
import type { MetricsRow } from './metrics.js';
import { flopSetup, resumePoint, startDensity, startSession } from './train-setup.js';
import { RunRecorder } from './train-record.js';

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
  onEpisode?: (p: {
    tEnv: number;
    steps: number;
    episodes: number;
    epsilon: number;
    return: number;
    loss: number | null;
  }) => void;
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

export type { RunSummaryFile } from './train-record.js';

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
      const kept = existsSync(runPaths(options.outDir).checkpoint)
        ? ''
        : ' (no checkpoint was written yet, so it starts over)';
      throw new ToolkitError(err.code, base, {
        hint: err.hint.replace('--out DIR', `--out ${options.outDir}`) + kept,
        cause: err,
      });
    }
    throw err;
  } finally {
    for (const env of envs) env.close?.();
  }
}

async function trainWith(
  config: TrainConfig,
  options: TrainOptions,
  openEnv: () => MultiAgentEnv,
): Promise<TrainSummary> {
  await initBackend(options.backend ?? 'wasm');
  const paths = runPaths(options.outDir);
  const saved = resumePoint(config, options.resume === true, paths);

  // --- set up: environments, networks, masks, replay, RNG streams (train-setup.ts)
  const env = openEnv();
  const testEnv = openEnv();
  const session = startSession(config, env.getEnvInfo(), paths, saved, options.warmStartFrom);
  const { info, learner, buffer, rng, counters, rowWindow, explored } = session;
  const controller = new AgentController(learner.agent, info.nAgents, { kernels: runsOnKernels(config.compute) });
  const rule = growRule(config.sparsity.mode, config.topology.grow);
  const topologyEnd = config.topology.endFraction * config.steps; // T_end in environment steps
  const pruningEnd = config.pruning.endFraction * config.steps; // T_p, gradual pruning only
  const gradual = config.pruning.schedule === 'gradual';
  // Topology updates move connections, so active counts change only while gradual pruning runs.
  let atFinalDensity =
    !gradual || reachedDensity(learner.stores(), config.sparsity.density, config.sparsity.distribution);
  const flops = flopSetup(config, info, learner);
  let flopWeights = flops.weights();
  const recorder = new RunRecorder(config, paths, session, {
    testEnv,
    controller,
    provenance: options.provenance,
    onMetrics: options.onMetrics,
  });

  if (!saved) recorder.test(); // the untrained baseline at t = 0
  const yieldToEventLoop = eventLoopYielder();
  const stopAt = Math.min(config.steps, options.stopAtStep ?? Infinity);
  // who plays the rounds of envWorkers episodes in lockstep: this thread, or the acting thread (actor.ts)
  const actor = await openActor({ config, agent: learner.agent, env, controller, openEnv, rng: rng.act });
  let next: Promise<EpisodeResult[]> | null = null; // the round being played ahead (actingThread)
  // episodes stored before each update: one (runner 'episode'), or the whole round (runner 'parallel')
  const perUpdate = config.runner === 'parallel' ? config.envWorkers : 1;
  const playRound = (): Promise<EpisodeResult[]> =>
    actor.play(
      Array.from({ length: config.envWorkers }, () => rng.env.seed()),
      epsilonAt(counters.tEnv, config.epsilon),
    );
  let queue: EpisodeResult[] = session.unstored; // played, not yet stored (a resumed run's first)
  const awaitNext = async (): Promise<void> => {
    if (next) queue = [...queue, ...(await next)];
    next = null;
  };
  try {
    while ((counters.tEnv < stopAt && !options.signal?.aborted) || queue.length > 0) {
      // --- act: one exploring episode (or one per environment, in lockstep, when the last are used up)
      const epsilon = epsilonAt(counters.tEnv, config.epsilon);
      if (queue.length === 0) queue = await (next ?? playRound());
      next = null;
      const stored = queue.splice(0, perUpdate).map((played) => {
        buffer.insert(config.terminalOnTimeLimit ? endAtTimeLimit(played.episode) : played.episode);
        counters.tEnv += played.episode.length;
        counters.episodes += 1;
        addInferenceFlops(counters.flops, flopWeights, played.episode.length * info.nAgents);
        rowWindow.addEpisode(played.return);
        return { tEnv: counters.tEnv, episodes: counters.episodes, return: played.return };
      });
      // actingThread: the next round starts now, with the weights from before this update, and is
      // played while it runs (asked for by `steps`, not `stopAtStep`, so a stopped run resumes exactly)
      if (config.actingThread && queue.length === 0 && counters.tEnv < config.steps) next = playRound();

      // --- learn: one update from a replay batch
      let loss: number | null = null;
      if (buffer.canSample(config.batchSize)) {
        const update = counters.updates + 1;
        const evolving = rule !== null && atFinalDensity && counters.tEnv < topologyEnd; // masks still move
        const evolve = evolving && isTopologyUpdate(update, config.topology.interval, counters.tEnv, topologyEnd);
        const collect =
          evolving &&
          rule === 'gradient' &&
          isGrowGradientUpdate(update, config.topology.interval, config.topology.gradientUpdates);
        const batch = buffer.sample(config.batchSize, rng.sample);
        const { stats: s, denseGrads } = trainStep(
          () => learner.train(batch, { tEnv: counters.tEnv, denseGrads: collect }),
          counters,
        );
        if (denseGrads) session.growGradients = addGradients(session.growGradients, denseGrads);
        else if (!evolving) session.growGradients = null; // T_end came inside a window: no mask change will read it
        rowWindow.addUpdate(s);
        loss = s.loss;
        counters.updates += 1;
        const agentRows = batch.size * (batch.maxT + 1) * info.nAgents;
        addUpdateFlops(
          counters.flops,
          flopWeights,
          agentRows,
          batch.size * batch.maxT,
          denseGrads !== null,
          flops.targetMixerPasses,
        );

        // --- evolve topology: every ΔT updates until T_end, move ζ_t of each tensor's connections
        if (evolve && rule !== null) {
          const fraction = dropFractionAt(counters.tEnv, config.topology.dropFraction, topologyEnd);
          rowWindow.addTopologyUpdate(
            evolveTopology(learner.stores(), learner.optimizer, rule, fraction, session.growGradients, rng.topology)
              .swapped,
          );
          session.growGradients = null;
          counters.topologyUpdates += 1;
          observeMasks(explored, learner.stores());
        }

        // --- gradual pruning: every few updates until T_p, then once more to the final density
        if (
          gradual &&
          !atFinalDensity &&
          (counters.updates % config.pruning.interval === 0 || counters.tEnv >= pruningEnd)
        ) {
          const density = gradualDensityAt(counters.tEnv, config.sparsity.density, pruningEnd, startDensity(config));
          pruneToDensity(learner.stores(), learner.optimizer, density, config.sparsity.distribution);
          flopWeights = flops.weights();
          atFinalDensity = counters.tEnv >= pruningEnd;
        }

        // --- sync targets: hard copy (weights and masks) every few episodes
        if (counters.episodes - counters.lastTargetUpdateEpisode >= config.targetUpdateInterval) {
          learner.updateTargets();
          counters.lastTargetUpdateEpisode = counters.episodes;
        }
      }
      for (const played of stored) options.onEpisode?.({ ...played, steps: config.steps, epsilon, loss });
      // Let the event loop run now and then: a Ctrl-C handler (which aborts `options.signal`) and piped
      // output only run when it does, and this loop would otherwise hold it for the whole run.
      await yieldToEventLoop();

      // --- test and checkpoint on their schedules (train-record.ts)
      if (recorder.testDue()) recorder.test();
      // between rounds only; a round played ahead is kept in the checkpoint, so a resumed run replays exactly
      if (queue.length === 0 && recorder.checkpointDue()) {
        await awaitNext();
        recorder.checkpoint(queue);
      }
    }
    await awaitNext(); // stopped early with a round played ahead: it goes into the checkpoint
    if (counters.tEnv >= config.steps && counters.lastTestT !== counters.tEnv) recorder.test();
    recorder.checkpoint(queue);
    const summary = recorder.summary();
    return {
      paths,
      config,
      counters,
      completed: summary.completed,
      last: recorder.last,
      elapsedSec: recorder.elapsed(),
      startTEnv: session.startTEnv,
      diverged: recorder.diverged,
    };
  } finally {
    next?.catch(() => {}); // a round still in flight when an update failed: its outcome no longer matters
    await actor.close();
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
    const kept =
      counters.lastCheckpointT > 0
        ? `the last checkpoint, at step ${counters.lastCheckpointT}, is kept as it was`
        : 'no checkpoint had been written yet';
    throw new NumericError(
      `${what} at environment step ${counters.tEnv} (learner update ${counters.updates + 1}); ${kept}`,
      {
        hint: 'train a new run in another --out directory with a lower optimizer.lr (e.g. --config with {"optimizer": {"lr": 0.0001}}) or smaller rewards; resuming this run would repeat the same updates',
        cause: err,
      },
    );
  }
}
