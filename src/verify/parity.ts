/**
 * Parity between an exported ONNX agent and the tfjs agent of the run it came from: on the same
 * seeded episodes, the two must agree on Q-values (max |ΔQ|), on every greedy action, and on return.
 */
import { makeEnv } from '../envs/registry.js';
import { Rng } from '../util/rng.js';
import { readSnapshot } from '../snapshot/io.js';
import { initBackend } from '../marl/backend.js';
import { RnnAgent } from '../marl/agent.js';
import { AgentController } from '../marl/controller.js';
import { runEpisode } from '../marl/runner.js';
import { runPaths } from '../marl/run-dir.js';
import type { OnnxPolicy } from '../runtime/policy.js';
import { onnxEpisode } from './rollout.js';

/** How closely the ONNX agent matches the tfjs agent. */
export interface ParityReport {
  /** Run directory compared against. */
  run: string;
  /** Fraction of agent decisions (on the ONNX trajectory) where both pick the same greedy action. */
  actionAgreement: number;
  /** Largest |Q_onnx − Q_tfjs| over every decision and action. */
  maxAbsQDiff: number;
  /** Mean return of the ONNX agent minus mean return of the tfjs agent, each on its own greedy episodes. */
  returnDiff: number;
  /** Decisions compared. */
  decisions: number;
}

/** Compare `policy` with the agent snapshot of run `runDir` over `episodes` seeded episodes. */
export async function checkParity(
  policy: OnnxPolicy,
  runDir: string,
  options: { env: string; episodes: number; seed: number; backend: string; onnxReturns: readonly number[] },
): Promise<ParityReport> {
  await initBackend(options.backend);
  const agent = RnnAgent.fromSnapshot(readSnapshot(runPaths(runDir).snapshot));
  try {
    const env = makeEnv(options.env);
    const controller = new AgentController(agent, env.getEnvInfo().nAgents);
    const seeds = new Rng(options.seed);
    let decisions = 0;
    let agreements = 0;
    let maxAbsQDiff = 0;
    let tfjsTotal = 0;
    for (let e = 0; e < options.episodes; e++) {
      const seed = seeds.seed();
      const lockstep = await onnxEpisode(env, policy, seed, controller);
      decisions += lockstep.decisions;
      agreements += lockstep.agreements;
      maxAbsQDiff = Math.max(maxAbsQDiff, lockstep.maxAbsQDiff);
      tfjsTotal += runEpisode(env, controller, seed, 0, seeds).return; // ε = 0: no draws from `seeds`
    }
    const onnxMean = options.onnxReturns.reduce((a, b) => a + b, 0) / options.episodes;
    return { run: runDir, actionAgreement: agreements / Math.max(1, decisions), maxAbsQDiff, returnDiff: onnxMean - tfjsTotal / options.episodes, decisions };
  } finally {
    agent.dispose();
  }
}
