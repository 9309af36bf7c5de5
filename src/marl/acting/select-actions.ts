/**
 * ε-greedy acting without tfjs: the action choice, and what a runner needs of a controller. Both the
 * tfjs-backed {@link AgentController} and the acting thread's kernel controller fit it, so the same
 * runners play episodes on either side of a thread.
 */
import type { Rng } from '../../util/rng.js';
import { greedyAction } from '@mast-toolkit/runtime/internal/snapshot/actions';

/**
 * ε-greedy over available actions: with probability ε a uniformly random available action, else
 * the greedy one. `q` is `[N, A]` row-major.
 */
export function selectActions(q: Float32Array, avail: readonly Uint8Array[], epsilon: number, rng: Rng): number[] {
  return avail.map((av, i) => {
    if (epsilon > 0 && rng.next() < epsilon) {
      const choices: number[] = [];
      av.forEach((ok, a) => ok && choices.push(a));
      return choices[rng.int(choices.length)] as number;
    }
    return greedyAction(q, i * av.length, av);
  });
}

/** What a runner asks of a controller acting in one environment. */
export interface EpisodeController {
  /** Zero hidden states and last actions at the start of an episode (and read the weights). */
  reset(): void;
  /** Q-values `[N, A]` for the current observations; advances the hidden state. */
  qValues(obs: readonly Float32Array[]): Float32Array;
  /** Record the actions taken, fed back as next step's last-action inputs. */
  recordActions(actions: readonly number[]): void;
}
