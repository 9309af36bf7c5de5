/**
 * What a training session writes to its run directory, the recording side of `train()`: a metrics
 * row per greedy test phase (`metrics.jsonl`), the checkpoint with the agent and mixer snapshots
 * beside it on their step and wall-clock cadence, and `summary.json` at the end.
 */
import type { TrainConfig } from '../../config/types.js';
import { ALGORITHM_MIXER } from '../../config/learners.js';
import { configHash } from '../../config/validate.js';
import type { MultiAgentEnv } from '../../envs/types.js';
import { readFileSync } from 'node:fs';
import { writeJsonAtomic } from '@mast-toolkit/runtime/internal/util/atomic';
import { defaultKernelVariant, type KernelVariant } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { machineInfo } from '../../util/machine.js';
import { activeBackend } from '../backend.js';
import { writeSnapshot } from '../../snapshot/io.js';
import { writeMixerSnapshot } from '../../snapshot/mixer.js';
import type { AgentSnapshot, ModelProvenance } from '@mast-toolkit/runtime/internal/snapshot/types';
import type { RunPaths } from '../../run/run-dir.js';
import { TOOLKIT_VERSION } from '../../version.js';
import type { AgentController } from '../acting/controller.js';
import type { EpisodeResult } from '../acting/runner.js';
import { saveCheckpoint, type Counters } from './checkpoint.js';
import { evaluateGreedy } from '../acting/evaluate.js';
import { flopRatios } from './flop-meter.js';
import { globalDensity, layerDensities, type LayerDensity } from '../masks/masks.js';
import { appendMetrics, divergedLoss, type MetricsRow } from './metrics.js';
import { mixerSnapshot } from '../mixers/index.js';
import { epsilonAt } from './setup.js';
import { streamStates, type TrainSession } from './train-setup.js';

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
  /**
   * Every session that trained the run and ended by writing this file (a killed session is missing),
   * oldest first: where and for how long it trained; absent in summaries from before 2026-12-08.
   */
  sessions?: SessionRecord[];
}

/** One training session of a run: its steps, wall time and machine (`summary.json`'s `sessions`). */
export interface SessionRecord {
  /** ISO time the session started. */
  startedAt: string;
  /** Environment steps at its start (its checkpoint's on resume) and at its end. */
  fromTEnv: number;
  toTEnv: number;
  /** Seconds it trained. */
  elapsedSec: number;
  /** CPU model as `machineInfo` reports it, logical CPUs and Node version. */
  cpu: string;
  cores: number;
  node: string;
  /** The build of the WebAssembly kernels (relaxed SIMD rounds products differently) and the tfjs backend. */
  kernels: KernelVariant;
  backend: string;
}

/** The sessions an earlier `summary.json` recorded (none when it is absent, unreadable or older than the key). */
function earlierSessions(path: string): SessionRecord[] {
  try {
    const sessions = (JSON.parse(readFileSync(path, 'utf8')) as RunSummaryFile).sessions;
    return Array.isArray(sessions) ? sessions : [];
  } catch {
    return [];
  }
}

/** Where a recorder tests the greedy policy, and what it reports to the caller. */
export interface RecorderOptions {
  /** The environment of the test phases (its own, so training episodes are not disturbed). */
  testEnv: MultiAgentEnv;
  /** The controller acting greedily in them. */
  controller: AgentController;
  /** Recorded in the agent's metadata: what a compression started from. */
  provenance?: ModelProvenance;
  /** Called with each metrics row. */
  onMetrics?: (row: MetricsRow) => void;
}

/** Writes a session's metrics rows, checkpoints and summary; keeps the last row and the divergence seen. */
export class RunRecorder {
  /** The last metrics row written, or null before the first test phase of this session. */
  last: MetricsRow | null = null;
  /** The first test phase whose mean loss blew up, or null. */
  diverged: { tEnv: number; loss: number } | null = null;
  private readonly started = performance.now();
  private readonly startedAt = new Date().toISOString();
  /** Wall clock of the last checkpoint (`schedule.checkpointSeconds`). */
  private lastCheckpointAt = this.started;

  constructor(
    private readonly config: TrainConfig,
    private readonly paths: RunPaths,
    private readonly session: TrainSession,
    private readonly options: RecorderOptions,
  ) {}

  /** Seconds since this session's recorder started. */
  elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Whether a test phase is due (`schedule.testInterval` environment steps since the last). */
  testDue(): boolean {
    return this.session.counters.tEnv - this.session.counters.lastTestT >= this.config.schedule.testInterval;
  }

  /** Whether a checkpoint is due: `schedule.checkpointInterval` environment steps or `checkpointSeconds` since the last. */
  checkpointDue(): boolean {
    const { counters } = this.session;
    const { checkpointInterval, checkpointSeconds } = this.config.schedule;
    return (
      counters.tEnv - counters.lastCheckpointT >= checkpointInterval ||
      performance.now() - this.lastCheckpointAt >= checkpointSeconds * 1000
    );
  }

  /** The agent network as a snapshot, with the run's metadata. */
  private snapshot(): AgentSnapshot {
    const { config, session } = this;
    return session.learner.agent.toSnapshot({
      env: config.env,
      algorithm: config.alg,
      sparsityMode: config.sparsity.mode,
      density: config.sparsity.density,
      seed: config.seed,
      trainedSteps: session.counters.tEnv,
      configHash: configHash(config),
      config,
      toolkitVersion: TOOLKIT_VERSION,
      trainFlopsRatio: flopRatios(session.counters.flops).train,
      ...(this.options.provenance ? { provenance: this.options.provenance } : {}),
    });
  }

  /**
   * Write the checkpoint, with `unstored` (episodes played but not yet stored: the acting thread's
   * next round), then the agent and mixer snapshots beside it.
   */
  checkpoint(unstored: readonly EpisodeResult[] = []): void {
    const { config, paths, session } = this;
    const { learner, counters, info } = session;
    counters.lastCheckpointT = counters.tEnv;
    this.lastCheckpointAt = performance.now();
    saveCheckpoint(
      paths.checkpoint,
      config,
      learner,
      session.buffer,
      counters,
      streamStates(session.rng),
      session.rowWindow.getState(),
      session.explored,
      session.growGradients,
      unstored,
    );
    const agentSnap = this.snapshot();
    writeSnapshot(paths.snapshot, agentSnap);
    writeMixerSnapshot(
      paths.mixerSnapshot,
      mixerSnapshot(
        learner.mixer,
        {
          kind: ALGORITHM_MIXER[config.alg],
          nAgents: info.nAgents,
          stateShape: info.stateShape,
          ...session.widths.mixer,
        },
        agentSnap.metadata,
      ),
    );
  }

  /** Play the greedy test episodes and append a metrics row averaging what happened since the last. */
  test(): void {
    const { config, session } = this;
    const { counters, rowWindow, explored } = session;
    const result = evaluateGreedy(
      this.options.testEnv,
      this.options.controller,
      config.schedule.testEpisodes,
      session.rng.test,
    );
    const layers = layerDensities(session.learner.stores());
    const ratios = flopRatios(counters.flops);
    const { trainReturn, loss, tdErrorAbs, qTaken, gradNorm, topologySwaps, topologyUpdates, targets } =
      rowWindow.summary();
    const row: MetricsRow = {
      tEnv: counters.tEnv,
      episodes: counters.episodes,
      updates: counters.updates,
      epsilon: epsilonAt(counters.tEnv, config.epsilon),
      elapsedSec: this.elapsed(),
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
    this.last = row;
    if (this.diverged === null && divergedLoss(loss)) this.diverged = { tEnv: counters.tEnv, loss: loss! };
    appendMetrics(this.paths.metrics, row);
    this.options.onMetrics?.(row);
    rowWindow.reset();
    counters.lastTestT = counters.tEnv;
  }

  /** Write `summary.json` and return what it holds. */
  summary(): RunSummaryFile {
    const { config, session } = this;
    const layers = layerDensities(session.learner.stores());
    const counters = session.counters;
    const machine = machineInfo();
    const thisSession: SessionRecord = {
      startedAt: this.startedAt,
      fromTEnv: session.startTEnv,
      toTEnv: counters.tEnv,
      elapsedSec: this.elapsed(),
      cpu: machine.cpu,
      cores: machine.cores,
      node: machine.node,
      kernels: defaultKernelVariant(),
      backend: activeBackend(),
    };
    const earlier = earlierSessions(this.paths.summary).filter((s) => s.toTEnv <= session.startTEnv);
    const summary: RunSummaryFile = {
      config,
      counters,
      completed: counters.tEnv >= config.steps,
      last: this.last,
      density: globalDensity(layers),
      layers,
      elapsedSec: this.elapsed(),
      diverged: this.diverged,
      sessions: [...earlier, thisSession],
    };
    writeJsonAtomic(this.paths.summary, summary);
    return summary;
  }
}
