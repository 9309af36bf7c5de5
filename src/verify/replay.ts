/**
 * Recording an episode for a person to watch: a greedy episode of an exported agent (ONNX Runtime),
 * with the environment's picture data at every step (`MultiAgentEnv.frame`).
 */
import type { EnvFrame, MultiAgentEnv } from '../envs/types.js';
import type { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { ENV_IDS, makeEnv } from '../envs/registry.js';

/** One recorded episode. */
export interface EpisodeReplay {
  env: string;
  seed: number;
  /** frames[t] is the state before step t; the last frame is after the final step. */
  frames: EnvFrame[];
  /** actions[t] are the agents' actions at step t. */
  actions: number[][];
  rewards: number[];
  return: number;
  won: boolean | null;
}

/** The environment families (`lbf/…`, `smaclite/…`, or a fixed id) whose environments draw frames, from the registry. */
export function drawableFamilies(): string[] {
  const families = ENV_IDS.filter((id) => makeEnv(id).frame !== undefined).map((id) =>
    id.includes('/') ? `${id.split('/')[0]}/…` : id,
  );
  return [...new Set(families)];
}

/** Play one greedy episode of `policy` in `env` from `seed`, keeping a frame per step. */
export async function recordReplay(env: MultiAgentEnv, policy: OnnxPolicy, seed: number): Promise<EpisodeReplay> {
  if (!env.frame) {
    throw new ToolkitError('E_ENV', `${env.id} has no pictures yet`, {
      hint: `replays are drawn for ${drawableFamilies().join(', ')} environments`,
    });
  }
  env.reset(seed);
  policy.reset();
  const replay: EpisodeReplay = {
    env: env.id,
    seed,
    frames: [env.frame()],
    actions: [],
    rewards: [],
    return: 0,
    won: null,
  };
  for (let t = 0; t < env.getEnvInfo().episodeLimit; t++) {
    const actions = await policy.act(env.getObs(), env.getAvailActions());
    const step = env.step(actions);
    replay.actions.push(actions);
    replay.rewards.push(step.reward);
    replay.return += step.reward;
    replay.frames.push(env.frame());
    if (step.info.won !== undefined) replay.won = step.info.won;
    if (step.terminated || step.truncated) break;
  }
  return replay;
}
