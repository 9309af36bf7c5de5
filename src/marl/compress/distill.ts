/**
 * Offline compression (`mast compress agent.onnx --data episodes`): prune a trained agent network by
 * magnitude while distilling its own dense Q-values into the pruned copy, over recorded episodes and
 * with no environment at hand — the SparseML-style recipe: a model and sample data in, a sparse model
 * and a parity report out.
 *
 * The student starts as a copy of the teacher. Each update unrolls both networks over a batch of
 * recorded episodes (the GRU carried through each episode, as when acting) and takes an Adam step on
 *   L = Σ w·(Q_s − Q_t)² / (σ² Σ w)  +  β · mean over acted steps of KL(π_t ‖ π_s),
 *   π = softmax over the available actions of Q / (τ·σ),
 * with w = 1 on every acted step's *available* actions (unavailable ones never decide anything) and
 * σ the spread (standard deviation) of the teacher's Q-values over the data, which makes both terms
 * independent of the reward scale. The first term keeps the values; the second, policy distillation
 * (Rusu et al., 2016) at a low temperature τ, keeps their order where the teacher's action gaps are
 * small beside the value error (LBF's are: values alone kept the greedy action on 54–73% of its
 * decisions, docs/compress.md). Masked weights get no update.
 * Every `pruneInterval` updates the weight matrices are cut by magnitude to Zhu & Gupta's gradual
 * schedule, reaching the target density at `pruneEnd` of the updates; the rest recovers at it, at
 * a constant learning rate or one decaying on a cosine (`lrSchedule`, lr-schedule.ts).
 * A held-out share of the episodes, never trained on, measures the result: how often the student's
 * greedy action (among the available ones) is the teacher's, and the largest |ΔQ| there.
 */
import * as tf from '@tensorflow/tfjs';
import type { DensityDistribution, OptimizerConfig } from '../../config/types.js';
import type { EnvInfo } from '../../envs/types.js';
import type { AgentSnapshot } from '@mast-toolkit/runtime/internal/snapshot/types';
import { greedyAction } from '@mast-toolkit/runtime/internal/snapshot/actions';
import { gradualDensityAt } from '../../sparse/prune.js';
import { InterruptedError, NumericError } from '@mast-toolkit/runtime/internal/util/errors';
import { Rng } from '../../util/rng.js';
import { eventLoopYielder } from '../../util/event-loop.js';
import { RnnAgent } from '../nets/agent.js';
import { batchAgentInputs } from '../nets/batch-inputs.js';
import { makeBatch, type Episode, type EpisodeBatch } from '../replay/episode.js';
import { FusedAgentUnroll } from '../nets/fused-agent.js';
import { fillMissingMasks, globalDensity, layerDensities } from '../masks/masks.js';
import { Optimizer } from '../learner/optimizer.js';
import { pruneToDensity } from '../masks/topology.js';
import { maskUnavailable } from '../learner/operators.js';
import { initBackend } from '../backend.js';
import { checkLrSchedule, distillLearningRate, type DistillLrSchedule } from './lr-schedule.js';

/** How to distil (see the module comment). */
export interface DistillOptions {
  /** Global density of the agent's weight matrices at the end, in (0, 1). */
  density: number;
  distribution: DensityDistribution;
  /** Gradient updates in all. */
  updates: number;
  /** Episodes per update. */
  batchSize: number;
  /** Fraction of the updates by which the density is reached (gradual pruning), in (0, 1]. */
  pruneEnd: number;
  /** Updates between two pruning steps. */
  pruneInterval: number;
  /** Fraction of the episodes held out for the report, in [0, 1). */
  heldOut: number;
  /** β: weight of the policy (KL) term beside the value term; 0 distils values alone. */
  policyWeight: number;
  /** τ: the policy term's temperature, in units of the teacher's Q spread σ. */
  temperature: number;
  /** Its `lr` is the base learning rate. */
  optimizer: OptimizerConfig;
  /** The learning rate over the updates (default `constant`; see lr-schedule.ts). */
  lrSchedule?: DistillLrSchedule;
  /** Seeds the held-out split and the batches: the same seed distils the same student. */
  seed: number;
  /** Called every `progressInterval` updates (and at the last). */
  onProgress?: (p: DistillProgress) => void;
  progressInterval?: number;
  /** tfjs backend (default `wasm`). */
  backend?: string;
  /** Stop at the next update (an {@link InterruptedError}; nothing is returned, so nothing half-distilled is written). */
  signal?: AbortSignal;
}

/** The pruning interval `mast compress --data` uses: 50 pruning steps on the way to the density. */
export function defaultPruneInterval(updates: number, pruneEnd: number): number {
  return Math.max(1, Math.floor((pruneEnd * updates) / 50));
}

/** Where a distillation stands. */
export interface DistillProgress {
  update: number;
  updates: number;
  /** Mean distillation loss over the updates since the last report. */
  loss: number;
  /** Density of the agent's weight matrices now. */
  density: number;
}

/** Agreement between student and teacher over a set of episodes. */
export interface Agreement {
  episodes: number;
  /** Agent decisions compared (every acted step of every agent). */
  decisions: number;
  /** Fraction of decisions where the student's greedy available action is the teacher's. */
  actionAgreement: number;
  /** Largest |Q_student − Q_teacher| over available actions. */
  maxAbsQDiff: number;
  /** Mean |Q_student − Q_teacher| over available actions. */
  meanAbsQDiff: number;
}

/** What a distillation produced besides the student. */
export interface DistillReport {
  /** Density of the agent's weight matrices at the start (1 for a dense teacher) and at the end. */
  startDensity: number;
  density: number;
  updates: number;
  train: Agreement;
  /** On the held-out episodes (null when none were held out). */
  heldOut: Agreement | null;
  /** The loss curve, one point per progress report. */
  curve: DistillProgress[];
}

/**
 * Distil `teacher` into a copy pruned to `options.density`, over `episodes` of the environment `info`
 * describes. Deterministic for a seed.
 */
export async function distillAgent(
  teacher: AgentSnapshot,
  episodes: readonly Episode[],
  info: EnvInfo,
  options: DistillOptions,
): Promise<{ student: AgentSnapshot; report: DistillReport }> {
  checkOptions(options, episodes.length);
  await initBackend(options.backend ?? 'wasm');
  const rng = new Rng(options.seed);
  const order = rng.split().sampleIndices(episodes.length, episodes.length);
  const nHeld = Math.min(episodes.length - 1, Math.round(options.heldOut * episodes.length));
  const heldOut = order.slice(0, nHeld).map((k) => episodes[k]!);
  const train = order.slice(nHeld).map((k) => episodes[k]!);
  const batches = rng.split();

  const teacherNet = RnnAgent.fromSnapshot(teacher);
  const student = RnnAgent.fromSnapshot(teacher);
  const stores = { agent: student.params };
  try {
    fillMissingMasks(stores);
    const startDensity = globalDensity(layerDensities(stores));
    const optimizerConfig = { ...options.optimizer }; // its lr follows the schedule
    const optimizer = new Optimizer(optimizerConfig, stores, { kernels: true });
    const teacherUnroll = new FusedAgentUnroll(teacherNet);
    const studentUnroll = new FusedAgentUnroll(student);
    const sigma = qSpread(train, info, teacherUnroll, student.arch.inputLayout);
    const loss = { sigma, policyWeight: options.policyWeight, temperature: options.temperature };
    const pruneEndUpdate = Math.max(1, Math.round(options.pruneEnd * options.updates));
    const every = options.progressInterval ?? 50;
    const curve: DistillProgress[] = [];
    let lossSum = 0;
    let lossCount = 0;
    let density = startDensity;
    try {
      const yieldToEventLoop = eventLoopYielder();
      for (let update = 1; update <= options.updates; update++) {
        await yieldToEventLoop(); // so a Ctrl-C handler (which aborts `signal`) can run
        if (options.signal?.aborted)
          throw new InterruptedError(
            `distillation stopped at update ${update} of ${options.updates}; nothing was written`,
            { hint: 'run the same command again (it starts over)' },
          );
        // --- prune on the gradual schedule, then once more at the end of it
        if (density > options.density && (update % options.pruneInterval === 0 || update >= pruneEndUpdate)) {
          const target = gradualDensityAt(update, options.density, pruneEndUpdate, startDensity);
          pruneToDensity(stores, optimizer, target, options.distribution);
          density = globalDensity(layerDensities(stores));
        }
        // --- distil on a batch of training episodes
        optimizerConfig.lr = distillLearningRate(
          options.lrSchedule ?? 'constant',
          update,
          options.updates,
          pruneEndUpdate,
          options.optimizer.lr,
        );
        const picked = batches
          .sampleIndices(train.length, Math.min(options.batchSize, train.length))
          .map((k) => train[k]!);
        const value = distillStep(makeBatch(picked, info), teacherUnroll, studentUnroll, student, optimizer, loss);
        if (!Number.isFinite(value))
          throw new NumericError(`distillation loss became ${value} at update ${update}`, {
            hint: 'lower the learning rate (--lr)',
          });
        lossSum += value;
        lossCount += 1;
        if (update % every === 0 || update === options.updates) {
          const point = { update, updates: options.updates, loss: lossSum / lossCount, density };
          curve.push(point);
          options.onProgress?.(point);
          lossSum = 0;
          lossCount = 0;
        }
      }
      const report: DistillReport = {
        startDensity,
        density,
        updates: options.updates,
        train: agreement(train, info, teacherUnroll, studentUnroll, student.arch.inputLayout),
        heldOut:
          heldOut.length > 0 ? agreement(heldOut, info, teacherUnroll, studentUnroll, student.arch.inputLayout) : null,
        curve,
      };
      // not trained by RL: the teacher's training-FLOP ratio says nothing about this network
      const { trainFlopsRatio: _notTrained, ...kept } = teacher.metadata;
      const metadata = { ...kept, sparsityMode: 'distilled', density: options.density };
      return { student: student.toSnapshot(metadata), report };
    } finally {
      optimizer.dispose();
    }
  } finally {
    teacherNet.dispose();
    student.dispose();
  }
}

function checkOptions(o: DistillOptions, nEpisodes: number): void {
  if (!(o.density > 0 && o.density < 1))
    throw new RangeError(`distillAgent: density must be in (0, 1), got ${o.density}`);
  for (const key of ['updates', 'batchSize', 'pruneInterval'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1)
      throw new RangeError(`distillAgent: ${key} must be a positive integer, got ${o[key]}`);
  }
  if (!(o.pruneEnd > 0 && o.pruneEnd <= 1))
    throw new RangeError(`distillAgent: pruneEnd must be in (0, 1], got ${o.pruneEnd}`);
  if (!(o.heldOut >= 0 && o.heldOut < 1))
    throw new RangeError(`distillAgent: heldOut must be in [0, 1), got ${o.heldOut}`);
  if (!(o.policyWeight >= 0 && Number.isFinite(o.policyWeight)))
    throw new RangeError(`distillAgent: policyWeight must be ≥ 0, got ${o.policyWeight}`);
  if (!(o.temperature > 0 && Number.isFinite(o.temperature)))
    throw new RangeError(`distillAgent: temperature must be > 0, got ${o.temperature}`);
  if (o.lrSchedule !== undefined) checkLrSchedule(o.lrSchedule, 'distillAgent: lrSchedule');
  if (nEpisodes < 1) throw new RangeError('distillAgent: no episodes to distil over');
}

/**
 * 1 on every acted step's available actions, else 0: `[T+1, B·N, A]` step-major, as the unroll
 * lays out Q (the bootstrap step and padding are 0).
 */
function lossWeights(batch: EpisodeBatch): Float32Array {
  const { size: b, maxT: t } = batch;
  const { nAgents: n, nActions: a } = batch.info;
  const w = new Float32Array((t + 1) * b * n * a);
  for (let e = 0; e < b; e++) {
    for (let step = 0; step < t; step++) {
      if (!batch.filled[e * t + step]) continue;
      for (let i = 0; i < n; i++) {
        const src = ((e * (t + 1) + step) * n + i) * a;
        const dst = ((step * b + e) * n + i) * a;
        for (let k = 0; k < a; k++) w[dst + k] = batch.avail[src + k] as number;
      }
    }
  }
  return w;
}

/** The loss's scale and policy term (see the module comment). */
interface LossSpec {
  sigma: number;
  policyWeight: number;
  temperature: number;
}

/** One Adam step on the distillation loss; returns the loss. */
function distillStep(
  batch: EpisodeBatch,
  teacher: FusedAgentUnroll,
  studentUnroll: FusedAgentUnroll,
  student: RnnAgent,
  optimizer: Optimizer,
  spec: LossSpec,
): number {
  const { size: b, maxT: t } = batch;
  const n = batch.info.nAgents;
  const layout = student.arch.inputLayout;
  const width = layout.obs + layout.lastAction + layout.agentId;
  return tf.tidy(() => {
    const inputArray = batchAgentInputs(batch, layout);
    const inputs = tf.tensor3d(inputArray, [t + 1, b * n, width]); // [T+1, B·N, In]
    const target = teacher.forward(inputArray, t + 1, b * n); // [T+1, B·N, A]
    const weights = tf.tensor3d(lossWeights(batch), target.shape); // [T+1, B·N, A]
    const acted = tf.cast(tf.greater(tf.sum(weights, 2), 0), 'float32'); // [T+1, B·N]
    const avail = tf.maximum(weights, tf.expandDims(tf.sub(1, acted), 2)); // [T+1, B·N, A]: rows not acted keep every action, so no row is empty
    const count = tf.sum(weights);
    const tau = spec.temperature * spec.sigma;
    const teacherLogP = tf.logSoftmax(maskUnavailable(tf.div(target, tau), avail)); // [T+1, B·N, A]
    const teacherP = tf.exp(teacherLogP);
    const lossFn = (): tf.Scalar => {
      const q = studentUnroll.apply(inputs); // [T+1, B·N, A]
      const value = tf.div(tf.sum(tf.mul(weights, tf.square(tf.sub(q, target)))), tf.mul(count, spec.sigma ** 2)); // mean squared error / σ²
      if (spec.policyWeight === 0) return value as tf.Scalar;
      const studentLogP = tf.logSoftmax(maskUnavailable(tf.div(q, tau), avail)); // [T+1, B·N, A]
      const kl = tf.sum(tf.mul(tf.mul(teacherP, tf.sub(teacherLogP, studentLogP)), weights), 2); // [T+1, B·N]
      const policy = tf.div(tf.sum(tf.mul(kl, acted)), tf.sum(acted));
      return tf.add(value, tf.mul(spec.policyWeight, policy)) as tf.Scalar;
    };
    const keys = optimizer.keys();
    const { value, grads } = tf.variableGrads(
      lossFn,
      keys.map((k) => optimizer.variable(k)),
    );
    const byKey: Record<string, tf.Tensor> = {};
    for (const key of keys) {
      const g = grads[optimizer.variable(key).name]!;
      const mask = student.params.maskTensor(key.slice('agent/'.length));
      byKey[key] = mask ? tf.mul(g, mask) : g; // pruned weights receive no update
    }
    optimizer.apply(byKey);
    return value.dataSync()[0] as number;
  });
}

/** σ: the standard deviation of the teacher's Q-values over the available actions of `episodes`' acted steps (1 when they are all equal). */
function qSpread(
  episodes: readonly Episode[],
  info: EnvInfo,
  teacher: FusedAgentUnroll,
  layout: AgentSnapshot['architecture']['inputLayout'],
): number {
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  forEachDecision(episodes, info, layout, [teacher], (q, offset, avail) => {
    for (let k = 0; k < avail.length; k++) {
      if (!avail[k]) continue;
      const v = q[0]![offset + k] as number;
      sum += v;
      sumSq += v * v;
      count += 1;
    }
  });
  const variance = count > 0 ? sumSq / count - (sum / count) ** 2 : 0;
  return variance > 1e-12 ? Math.sqrt(variance) : 1;
}

/**
 * Call `visit` for every acted decision of `episodes` with the Q-values `[T+1, B·N, A]` of each
 * network in `nets` (unrolled over batches of 64 episodes), the decision's offset and its availability.
 */
function forEachDecision(
  episodes: readonly Episode[],
  info: EnvInfo,
  layout: AgentSnapshot['architecture']['inputLayout'],
  nets: readonly FusedAgentUnroll[],
  visit: (q: Float32Array[], offset: number, avail: Uint8Array) => void,
): void {
  const { nAgents: n, nActions: a } = info;
  for (let start = 0; start < episodes.length; start += 64) {
    const batch = makeBatch(episodes.slice(start, start + 64), info);
    const { size: b, maxT: t } = batch;
    const inputs = batchAgentInputs(batch, layout);
    const qs = tf.tidy(() => nets.map((net) => net.forward(inputs, t + 1, b * n).dataSync() as Float32Array)); // each [T+1, B·N, A]
    for (let e = 0; e < b; e++) {
      for (let step = 0; step < t; step++) {
        if (!batch.filled[e * t + step]) continue;
        for (let i = 0; i < n; i++) {
          const row = (e * (t + 1) + step) * n + i;
          visit(qs, ((step * b + e) * n + i) * a, batch.avail.subarray(row * a, (row + 1) * a));
        }
      }
    }
  }
}

/** Compare the student's and the teacher's decisions and Q-values over `episodes`. */
function agreement(
  episodes: readonly Episode[],
  info: EnvInfo,
  teacher: FusedAgentUnroll,
  student: FusedAgentUnroll,
  layout: AgentSnapshot['architecture']['inputLayout'],
): Agreement {
  const result: Agreement = {
    episodes: episodes.length,
    decisions: 0,
    actionAgreement: 0,
    maxAbsQDiff: 0,
    meanAbsQDiff: 0,
  };
  let agreed = 0;
  let diffSum = 0;
  let diffCount = 0;
  forEachDecision(episodes, info, layout, [teacher, student], ([qt, qs], offset, avail) => {
    if (greedyAction(qs!, offset, avail) === greedyAction(qt!, offset, avail)) agreed += 1;
    result.decisions += 1;
    for (let k = 0; k < avail.length; k++) {
      if (!avail[k]) continue;
      const d = Math.abs((qs![offset + k] as number) - (qt![offset + k] as number));
      result.maxAbsQDiff = Math.max(result.maxAbsQDiff, d);
      diffSum += d;
      diffCount += 1;
    }
  });
  result.actionAgreement = agreed / Math.max(1, result.decisions);
  result.meanAbsQDiff = diffSum / Math.max(1, diffCount);
  return result;
}
