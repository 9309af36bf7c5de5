/** Building the pieces of a run from its config: environment sizes → network widths and architecture. */
import type { Algorithm, AgentConfig, MixerConfig, TrainConfig } from '../../config/types.js';
import { LEARNERS, SPARSITY_MODE_KINDS } from '../../config/learners.js';
import type { EnvInfo } from '../../envs/types.js';
import type { RnnAgentArchitecture } from '@mast-toolkit/runtime/internal/snapshot/types';
import { inputSize } from '../../snapshot/validate.js';

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

/** Widths of the networks a run builds. */
export interface NetworkWidths {
  agent: AgentConfig;
  mixer: MixerConfig;
}

/**
 * Weight-matrix entries (biases excluded) of the agent network and of the mixer-side networks at the
 * given widths: agent In·H + 2·H·3H (GRU input and recurrent) + H·A; QMIX 2·S·He + He·E·N + He·E
 * (hypernetworks) + 2·S·E + E (b1 and the V head); VDN none; WQMIX's central critic (N+S)·C + C·C + C.
 * A test pins these to the built networks.
 */
export function weightCounts(
  info: EnvInfo,
  alg: Algorithm,
  widths: NetworkWidths,
  centralEmbed = 0,
): { agent: number; mixer: number } {
  const { nAgents: n, nActions: a, stateShape: s } = info;
  const arch = agentArchitecture(info, widths.agent);
  const h = widths.agent.hidden;
  const agent = inputSize(arch) * h + 6 * h * h + h * a;
  const { embed: e, hypernetEmbed: he } = widths.mixer;
  const qmix = LEARNERS[alg].mixer === 'qmix' ? 2 * s * he + he * e * n + he * e + 2 * s * e + e : 0;
  const c = centralEmbed;
  const critic = LEARNERS[alg].centralCritic ? (n + s) * c + c * c + c : 0;
  return { agent, mixer: qmix + critic };
}

/**
 * The widths to build: the configured ones, or for the `tiny` baseline every width (agent hidden,
 * mixer embed, hypernet embed) scaled by one factor c, chosen by bisection so the total weight count
 * is as close as rounding allows to `density` × the configured network's.
 */
export function networkWidths(config: TrainConfig, info: EnvInfo): NetworkWidths {
  const full: NetworkWidths = { agent: config.agent, mixer: config.mixer };
  if (!SPARSITY_MODE_KINDS[config.sparsity.mode].shrinksWidths) return full;
  const total = (w: NetworkWidths): number => {
    const c = weightCounts(info, config.alg, w, config.wqmix.centralEmbed);
    return c.agent + c.mixer;
  };
  const scaled = (c: number): NetworkWidths => ({
    agent: { ...config.agent, hidden: Math.max(1, Math.round(c * config.agent.hidden)) },
    mixer: {
      embed: Math.max(1, Math.round(c * config.mixer.embed)),
      hypernetEmbed: Math.max(1, Math.round(c * config.mixer.hypernetEmbed)),
    },
  });
  const budget = config.sparsity.density * total(full);
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (total(scaled(mid)) > budget) hi = mid;
    else lo = mid;
  }
  const [below, above] = [scaled(lo), scaled(hi)];
  return Math.abs(total(below) - budget) <= Math.abs(total(above) - budget) ? below : above;
}
