/** Weight initialisation, drawn from the run's seeded RNG (PyTorch's defaults, as pymarl inherits them). */
import type { Rng } from '../../util/rng.js';

/**
 * U(−1/√fanIn, 1/√fanIn): PyTorch's nn.Linear default (kaiming_uniform with a = √5 reduces to this
 * bound for weights; biases use the same bound) and its GRUCell default with fanIn = hidden size.
 */
export function uniformFanIn(size: number, fanIn: number, rng: Rng): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-bound, bound);
  return out;
}
