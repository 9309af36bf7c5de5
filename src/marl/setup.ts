/** Building the pieces of a run from its config: environment sizes → agent architecture. */
import type { AgentConfig } from '../config/types.js';
import type { EnvInfo } from '../envs/types.js';
import type { RnnAgentArchitecture } from '../snapshot/types.js';

/** The agent network for an environment: input = obs ⊕ last-action one-hot ⊕ agent-id one-hot. */
export function agentArchitecture(info: EnvInfo, agent: AgentConfig): RnnAgentArchitecture {
  return {
    kind: 'rnn-agent',
    inputLayout: {
      obs: info.obsShape,
      lastAction: agent.lastActionInput ? info.nActions : 0,
      agentId: agent.agentIdInput ? info.nAgents : 0,
    },
    hidden: agent.hidden,
    nActions: info.nActions,
    nAgents: info.nAgents,
  };
}

/** ε at environment step `t`: linear from `start` to `finish` over `annealSteps`, then flat. */
export function epsilonAt(t: number, e: { start: number; finish: number; annealSteps: number }): number {
  return Math.max(e.finish, e.start - ((e.start - e.finish) * t) / e.annealSteps);
}
