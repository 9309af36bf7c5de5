/**
 * Parity between an exported ONNX agent and the tfjs agent of the run it came from: on the same
 * seeded episodes, the two must agree on Q-values (max |ΔQ|), on every greedy action, and on return.
 * Q-values and actions are compared in lockstep on the ONNX agent's trajectory (see `rollout.ts`);
 * returns come from each agent playing its own greedy episodes from the same seeds.
 */
import type { MultiAgentEnv } from '../envs/types.js';
import { Rng } from '../util/rng.js';
import { readSnapshot } from '../snapshot/io.js';
import { initBackend } from '../marl/backend.js';
import { RnnAgent } from '../marl/nets/agent.js';
import { AgentController } from '../marl/acting/controller.js';
import { runEpisode } from '../marl/acting/runner.js';
import { runPaths } from '../run/run-dir.js';
import type { OnnxEpisode } from './rollout.js';

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

/** The tfjs agent of a training run, ready to step in lockstep with the ONNX one. */
export interface Reference {
  run: string;
  controller: AgentController;
  dispose(): void;
}

/** Load the agent snapshot of run `runDir` into tfjs. */
export async function loadReference(runDir: string, nAgents: number, backend: string): Promise<Reference> {
  await initBackend(backend);
  const agent = RnnAgent.fromSnapshot(readSnapshot(runPaths(runDir).snapshot));
  return { run: runDir, controller: new AgentController(agent, nAgents), dispose: () => agent.dispose() };
}

/**
 * Summarise lockstep episodes (played with `reference`) into a parity report; the tfjs agent then
 * plays its own greedy episodes from the same seeds (`seed` → episode seeds, as the ONNX side drew them).
 */
export function parityReport(
  reference: Reference,
  env: MultiAgentEnv,
  lockstep: readonly OnnxEpisode[],
  seed: number,
): ParityReport {
  const seeds = new Rng(seed);
  let tfjsTotal = 0;
  for (let e = 0; e < lockstep.length; e++)
    tfjsTotal += runEpisode(env, reference.controller, seeds.seed(), 0, seeds).return; // ε = 0: no draws from `seeds`
  const decisions = lockstep.reduce((a, ep) => a + ep.decisions, 0);
  const onnxTotal = lockstep.reduce((a, ep) => a + ep.return, 0);
  return {
    run: reference.run,
    actionAgreement: lockstep.reduce((a, ep) => a + ep.agreements, 0) / Math.max(1, decisions),
    maxAbsQDiff: Math.max(0, ...lockstep.map((ep) => ep.maxAbsQDiff)),
    returnDiff: (onnxTotal - tfjsTotal) / Math.max(1, lockstep.length),
    decisions,
  };
}
