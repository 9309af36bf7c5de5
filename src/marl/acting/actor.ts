/**
 * Who plays the training episodes, a round at a time (one episode per environment, in lockstep):
 * this thread, or a worker thread that plays the next round while the learner updates
 * (`actingThread`; `actor-thread.ts`). The training loop asks for a round and awaits it; when it asks
 * decides which weights play it, so the choice of actor changes the wall time, not the run.
 */
import { runsOnKernels, type TrainConfig } from '../../config/types.js';
import type { MultiAgentEnv } from '../../envs/types.js';
import { PYTHON_PREFIX } from '../../envs/bridge/python-env.js';
import type { Rng } from '../../util/rng.js';
import type { RnnAgent } from '../nets/agent.js';
import { AgentController } from './controller.js';
import { runEpisodesTogether } from './lockstep-runner.js';
import { runEpisode, type EpisodeResult } from './runner.js';
import { ThreadActor } from './actor-thread.js';
import type { RoundActor } from './round-actor.js';

export type { RoundActor } from './round-actor.js';

/** Plays each round in this thread, at once, with the controllers given. */
export class InThreadActor implements RoundActor {
  constructor(
    private readonly envs: readonly MultiAgentEnv[],
    private readonly controllers: readonly AgentController[],
    private readonly rng: Rng,
  ) {}

  play(seeds: number[], epsilon: number): Promise<EpisodeResult[]> {
    const { envs, controllers, rng } = this;
    return Promise.resolve(
      envs.length === 1
        ? [runEpisode(envs[0] as MultiAgentEnv, controllers[0] as AgentController, seeds[0] as number, epsilon, rng)]
        : runEpisodesTogether(envs, controllers, seeds, epsilon, rng),
    );
  }

  async close(): Promise<void> {}
}

/** What {@link openActor} plays with. */
export interface ActorSetup {
  config: Pick<TrainConfig, 'env' | 'envArgs' | 'envWorkers' | 'actingThread' | 'compute'>;
  agent: RnnAgent;
  /** The main thread's first training environment and its controller. */
  env: MultiAgentEnv;
  controller: AgentController;
  /** Opens another training environment in this thread (closed by the caller). */
  openEnv: () => MultiAgentEnv;
  /** The run's exploration stream. */
  rng: Rng;
}

/**
 * The actor of a run: a {@link ThreadActor} with `actingThread` (except for Python environments,
 * which stay in this thread: their processes already work beside it), else an {@link InThreadActor}
 * over `envWorkers` environments.
 */
export async function openActor(s: ActorSetup): Promise<RoundActor> {
  const { config } = s;
  if (config.actingThread && !config.env.startsWith(PYTHON_PREFIX))
    return ThreadActor.create(
      { env: config.env, envArgs: config.envArgs, workers: config.envWorkers, arch: s.agent.arch },
      s.agent,
      s.rng,
    );
  const kernels = runsOnKernels(config.compute);
  const envs = [s.env, ...Array.from({ length: config.envWorkers - 1 }, s.openEnv)];
  const controllers = envs.map((env, k) =>
    k === 0 ? s.controller : new AgentController(s.agent, env.getEnvInfo().nAgents, { kernels }),
  );
  return new InThreadActor(envs, controllers, s.rng);
}
