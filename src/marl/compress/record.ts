/**
 * Recording episodes for offline compression (`mast record`): an agent plays an environment
 * ε-greedily (a uniformly random available action with probability ε per agent and step, as in
 * training), and every step — observations, states, availabilities, actions, rewards — is kept.
 * Played by the same runner as training, so the agent sees its own last actions, explored or not.
 */
import type { MultiAgentEnv } from '../../envs/types.js';
import type { AgentSnapshot } from '@mast-toolkit/runtime/internal/snapshot/types';
import { ShapeError } from '@mast-toolkit/runtime/internal/util/errors';
import { Rng } from '../../util/rng.js';
import { RnnAgent } from '../nets/agent.js';
import { AgentController } from '../acting/controller.js';
import type { Episode } from '../replay/episode.js';
import { runEpisode } from '../acting/runner.js';
import { initBackend } from '../backend.js';

/** Options of {@link recordEpisodes}. */
export interface RecordOptions {
  episodes: number;
  /** Probability of a random available action per agent and step, in [0, 1]. */
  epsilon: number;
  /** Seeds every episode and exploration draw: the same seed records the same episodes. */
  seed: number;
  /** Called after each episode with its index and return. */
  onEpisode?: (index: number, ret: number) => void;
  /** tfjs backend (default `wasm`). */
  backend?: string;
}

/** What {@link recordEpisodes} played. */
export interface Recording {
  episodes: Episode[];
  /** The undiscounted return of each episode. */
  returns: number[];
  /** Episodes won, when the environment reports wins (else null). */
  wins: number | null;
}

/**
 * Play `options.episodes` episodes of `env` with the agent of `snapshot`.
 * @throws ShapeError when the agent's sizes do not fit the environment's.
 */
export async function recordEpisodes(
  snapshot: AgentSnapshot,
  env: MultiAgentEnv,
  options: RecordOptions,
): Promise<Recording> {
  const info = env.getEnvInfo();
  const arch = snapshot.architecture;
  if (arch.inputLayout.obs !== info.obsShape || arch.nActions !== info.nActions || arch.nAgents !== info.nAgents) {
    throw new ShapeError(
      `the agent (obs ${arch.inputLayout.obs}, ${arch.nActions} actions, ${arch.nAgents} agents) does not fit ${env.id} (obs ${info.obsShape}, ${info.nActions} actions, ${info.nAgents} agents)`,
      {
        hint: 'record on the environment the agent was trained on (--env)',
      },
    );
  }
  if (!(options.epsilon >= 0 && options.epsilon <= 1))
    throw new RangeError(`recordEpisodes: epsilon must be in [0, 1], got ${options.epsilon}`);
  await initBackend(options.backend ?? 'wasm');
  const agent = RnnAgent.fromSnapshot(snapshot);
  try {
    const controller = new AgentController(agent, info.nAgents, { kernels: true });
    const root = new Rng(options.seed);
    const seeds = root.split();
    const explore = root.split();
    const recording: Recording = { episodes: [], returns: [], wins: info.reportsWins ? 0 : null };
    for (let k = 0; k < options.episodes; k++) {
      const played = runEpisode(env, controller, seeds.seed(), options.epsilon, explore);
      recording.episodes.push(played.episode);
      recording.returns.push(played.return);
      if (played.won && recording.wins !== null) recording.wins += 1;
      options.onEpisode?.(k, played.return);
    }
    return recording;
  } finally {
    agent.dispose();
  }
}
