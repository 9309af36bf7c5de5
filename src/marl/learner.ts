/**
 * The Q-learner (pymarl's QLearner): online and target agent networks and mixers, double-Q targets,
 * a TD loss masked by `filled`, global-norm gradient clipping and an optimizer that keeps pruned
 * weights at zero. Targets are 1-step: y = r + γ·(1 − terminated)·Q_tot⁻(s′, a′).
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/types.js';
import type { Rng } from '../util/rng.js';
import { NumericError } from '../util/errors.js';
import type { RnnAgentArchitecture } from '../snapshot/types.js';
import { RnnAgent } from './agent.js';
import { createMixer, type Mixer, type MixerSpec } from './mixers/index.js';
import { Optimizer } from './optimizer.js';
import type { EpisodeBatch } from './episode.js';
import { batchAgentInputs } from './batch-inputs.js';
import type { ParamStore } from './params.js';

/** Statistics of one learner update. */
export interface TrainStats {
  loss: number;
  /** Mean |TD error| over filled steps. */
  tdErrorAbs: number;
  /** Mean Q_tot of the taken joint actions. */
  qTaken: number;
  /** Mean target y. */
  targetMean: number;
  /** Gradient norm before clipping. */
  gradNorm: number;
}

/** A stand-in for masked-out actions in max/argmax: large and negative, but finite so 0·x stays 0. */
const UNAVAILABLE_Q = -1e9;

/** Online + target networks and their update rule. */
export class QLearner {
  readonly agent: RnnAgent;
  readonly targetAgent: RnnAgent;
  readonly mixer: Mixer;
  readonly targetMixer: Mixer;
  readonly optimizer: Optimizer;
  private readonly gradKeys = new Map<string, string>(); // tf variable name → optimizer key

  constructor(private readonly config: TrainConfig, arch: RnnAgentArchitecture, mixerSpec: MixerSpec, rng: Rng) {
    this.agent = RnnAgent.create(arch, rng);
    this.mixer = createMixer(config.alg, mixerSpec, config.mixer, rng);
    // Target networks start as copies; their own initial draws come from a throwaway stream.
    const scratch = rng.split();
    this.targetAgent = RnnAgent.create(arch, scratch);
    this.targetMixer = createMixer(config.alg, mixerSpec, config.mixer, scratch);
    this.optimizer = new Optimizer(config.optimizer, this.stores());
    for (const key of this.optimizer.keys()) this.gradKeys.set(this.optimizer.variable(key).name, key);
    this.updateTargets();
  }

  /** The online parameter stores, keyed as in checkpoints: `agent`, `mixer`. */
  stores(): Record<'agent' | 'mixer', ParamStore> {
    return { agent: this.agent.params, mixer: this.mixer.params };
  }

  /** Copy the online networks (weights and masks) into the target networks. */
  updateTargets(): void {
    this.targetAgent.params.copyFrom(this.agent.params);
    this.targetMixer.params.copyFrom(this.mixer.params);
  }

  /** Unroll `agent` over a batch: inputs per step `[B·N, In]` → Q `[B, T+1, N, A]`. */
  private unroll(agent: RnnAgent, steps: tf.Tensor2D[], b: number, n: number): tf.Tensor4D {
    let h = tf.zeros([b * n, agent.arch.hidden]) as tf.Tensor2D; // [B·N, H]
    const qs: tf.Tensor2D[] = [];
    for (const x of steps) {
      const out = agent.step(x, h);
      qs.push(out.q); // [B·N, A]
      h = out.hidden;
    }
    const stacked = tf.reshape(tf.stack(qs), [steps.length, b, n, agent.arch.nActions]); // [T+1, B, N, A]
    return tf.transpose(stacked, [1, 0, 2, 3]) as tf.Tensor4D; // [B, T+1, N, A]
  }

  /** One gradient step on `batch`; throws {@link NumericError} if the loss is not finite. */
  train(batch: EpisodeBatch): TrainStats {
    const { size: b, maxT: t, info } = batch;
    const { nAgents: n, nActions: a, stateShape: s } = info;
    const { gamma, doubleQ } = this.config;
    const layout = this.agent.arch.inputLayout;
    const stats: TrainStats = { loss: NaN, tdErrorAbs: NaN, qTaken: NaN, targetMean: NaN, gradNorm: NaN };
    tf.tidy(() => {
      const inputs = tf.tensor3d(batchAgentInputs(batch, layout), [t + 1, b * n, layout.obs + layout.lastAction + layout.agentId]);
      const steps = tf.unstack(inputs) as tf.Tensor2D[]; // T+1 × [B·N, In]
      const states = tf.tensor3d(batch.state, [b, t + 1, s]); // [B, T+1, S]
      const avail = tf.tensor4d(Float32Array.from(batch.avail), [b, t + 1, n, a]); // [B, T+1, N, A]
      const availNext = tf.slice(avail, [0, 1, 0, 0], [b, t, n, a]); // [B, T, N, A]
      const actions = tf.oneHot(tf.tensor3d(batch.actions, [b, t, n], 'int32'), a); // [B, T, N, A]
      const reward = tf.tensor2d(batch.reward, [b, t]); // [B, T]
      const notDone = tf.sub(1, tf.tensor2d(Float32Array.from(batch.terminated), [b, t])); // [B, T]
      const filled = tf.tensor2d(Float32Array.from(batch.filled), [b, t]); // [B, T]
      const statesNow = tf.slice(states, [0, 0, 0], [b, t, s]) as tf.Tensor3D; // [B, T, S]
      const statesNext = tf.slice(states, [0, 1, 0], [b, t, s]) as tf.Tensor3D; // [B, T, S]
      const maskUnavailable = (q: tf.Tensor): tf.Tensor => tf.where(tf.greater(availNext, 0), q, tf.fill(q.shape, UNAVAILABLE_Q));

      const targetQs = tf.slice(this.unroll(this.targetAgent, steps, b, n), [0, 1, 0, 0], [b, t, n, a]); // [B, T, N, A]

      const lossFn = (): tf.Scalar => {
        const qs = this.unroll(this.agent, steps, b, n); // [B, T+1, N, A]
        const chosen = tf.sum(tf.mul(tf.slice(qs, [0, 0, 0, 0], [b, t, n, a]), actions), 3) as tf.Tensor3D; // [B, T, N]
        const qTot = this.mixer.mix(chosen, statesNow); // [B, T]
        // --- bootstrap: the online net picks a′ (double Q; argMax passes no gradient), the target net values it
        const next = doubleQ
          ? tf.sum(tf.mul(targetQs, tf.oneHot(tf.argMax(maskUnavailable(tf.slice(qs, [0, 1, 0, 0], [b, t, n, a])), 3), a)), 3)
          : tf.max(maskUnavailable(targetQs), 3); // [B, T, N]
        const y = tf.add(reward, tf.mul(tf.mul(notDone, gamma), this.targetMixer.mix(next as tf.Tensor3D, statesNext))); // [B, T]
        const td = tf.mul(tf.sub(qTot, y), filled); // [B, T]
        const count = tf.sum(filled);
        stats.tdErrorAbs = tf.div(tf.sum(tf.abs(td)), count).dataSync()[0] as number;
        stats.qTaken = tf.div(tf.sum(tf.mul(qTot, filled)), count).dataSync()[0] as number;
        stats.targetMean = tf.div(tf.sum(tf.mul(y, filled)), count).dataSync()[0] as number;
        return tf.div(tf.sum(tf.square(td)), count) as tf.Scalar;
      };
      const { value, grads } = tf.variableGrads(lossFn, this.optimizer.keys().map((k) => this.optimizer.variable(k)));
      stats.loss = value.dataSync()[0] as number;
      if (!Number.isFinite(stats.loss)) {
        throw new NumericError(`training loss became ${stats.loss}`, { hint: 'lower optimizer.lr, check the environment rewards for NaN/huge values, or resume from the last checkpoint with a different seed' });
      }
      const byKey: Record<string, tf.Tensor> = {};
      for (const [varName, g] of Object.entries(grads)) {
        const key = this.gradKeys.get(varName) as string;
        const [prefix, ...rest] = key.split('/');
        const mask = this.stores()[prefix as 'agent' | 'mixer'].maskTensor(rest.join('/'));
        byKey[key] = mask ? tf.mul(g, mask) : g; // pruned weights receive no update
      }
      stats.gradNorm = this.optimizer.apply(byKey);
    });
    return stats;
  }

  /** Release every tensor this learner owns. */
  dispose(): void {
    for (const net of [this.agent, this.targetAgent]) net.dispose();
    for (const m of [this.mixer, this.targetMixer]) m.params.dispose();
    this.optimizer.dispose();
  }
}
