/**
 * Greedy rollouts of an exported agent with ONNX Runtime, optionally in lockstep with the tfjs agent
 * it came from: both see exactly the same inputs (the ONNX agent's trajectory), so their Q-values and
 * greedy actions can be compared decision by decision.
 */
import type { MultiAgentEnv } from '../envs/types.js';
import type { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import type { AgentController } from '../marl/acting/controller.js';
import { greedyAction } from '@mast-toolkit/runtime/internal/snapshot/actions';

/** Outcome of one ONNX episode, with lockstep comparison figures when a reference was given. */
export interface OnnxEpisode {
  return: number;
  /** `true`/`false` where the env reports wins, else null. */
  won: boolean | null;
  length: number;
  /** Agent decisions made (steps × agents). */
  decisions: number;
  /** Decisions where the reference's greedy action equals the ONNX agent's (0 without a reference). */
  agreements: number;
  /** Largest |Q_onnx − Q_reference| over the episode (0 without a reference). */
  maxAbsQDiff: number;
  /** Wall-clock microseconds of each `policy.step` call (one decision for all agents). */
  stepMicros: number[];
}

/** Play one greedy episode with `policy`; with `reference`, also step the tfjs controller on the same inputs. */
export async function onnxEpisode(
  env: MultiAgentEnv,
  policy: OnnxPolicy,
  seed: number,
  reference?: AgentController,
): Promise<OnnxEpisode> {
  env.reset(seed);
  policy.reset();
  reference?.reset();
  const { nAgents: n, nActions: a, episodeLimit } = env.getEnvInfo();
  const result: OnnxEpisode = {
    return: 0,
    won: null,
    length: 0,
    decisions: 0,
    agreements: 0,
    maxAbsQDiff: 0,
    stepMicros: [],
  };
  for (let t = 0; t < episodeLimit; t++) {
    const obs = env.getObs();
    const avail = env.getAvailActions();
    const started = process.hrtime.bigint();
    const { actions, qValues } = await policy.step(obs, avail);
    result.stepMicros.push(Number(process.hrtime.bigint() - started) / 1000);
    if (reference) {
      const refQ = reference.qValues(obs); // [N, A]
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < a; k++)
          result.maxAbsQDiff = Math.max(
            result.maxAbsQDiff,
            Math.abs((refQ[i * a + k] as number) - (qValues[i * a + k] as number)),
          );
        if (greedyAction(refQ, i * a, avail[i] as Uint8Array) === actions[i]) result.agreements += 1;
      }
      reference.recordActions(actions);
    }
    result.decisions += n;
    const step = env.step(actions);
    result.return += step.reward;
    result.length += 1;
    if (step.info.won !== undefined) result.won = step.info.won;
    if (step.terminated || step.truncated) break;
  }
  return result;
}
