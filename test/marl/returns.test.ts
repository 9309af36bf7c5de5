import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  lambdaReturns,
  nStepReturns,
  oneStepTargets,
  returnKindAt,
  tdTargets,
  type ReturnInputs,
} from '../../src/marl/learner/returns.js';
import { resolveConfig } from '../../src/config/index.js';

/**
 * Two episodes padded to T = 3, γ = 0.5:
 *   episode 0 ends by the environment at t = 2: r = [1, 2, 4], V(s_{t+1}) = [10, 20, 30] (30 unused);
 *   episode 1 is cut by the time limit after t = 1: r = [1, 1], V = [8, 6] (bootstraps from 6), then padding.
 */
const x: ReturnInputs = {
  batch: 2,
  steps: 3,
  reward: Float32Array.from([1, 2, 4, 1, 1, 0]),
  terminated: Uint8Array.from([0, 0, 1, 0, 0, 0]),
  filled: Uint8Array.from([1, 1, 1, 1, 1, 0]),
  bootstrap: Float32Array.from([10, 20, 30, 8, 6, 99]),
};

const close = (got: Float32Array, want: number[]): void => {
  assert.equal(got.length, want.length);
  got.forEach((g, i) => assert.ok(Math.abs(g - (want[i] as number)) < 1e-5, `[${i}] ${g} ≠ ${want[i]}`));
};

test('one-step targets: r + γ·V(s′), no bootstrap after a terminal step, 0 on padding', () => {
  // ep 0: 1 + 0.5·10 = 6, 2 + 0.5·20 = 12, 4 (terminal); ep 1: 1 + 0.5·8 = 5, 1 + 0.5·6 = 4, padding 0
  close(oneStepTargets(x, 0.5), [6, 12, 4, 5, 4, 0]);
});

test('λ-returns by the backward recursion, worked by hand (λ = 0.5, γ = 0.5)', () => {
  // ep 0: G2 = 4 (terminal); G1 = 2 + 0.5·(0.5·20 + 0.5·4) = 2 + 0.5·12 = 8; G0 = 1 + 0.5·(0.5·10 + 0.5·8) = 1 + 4.5 = 5.5
  // ep 1: G1 = 1 + 0.5·6 = 4 (next step is padding: plain bootstrap); G0 = 1 + 0.5·(0.5·8 + 0.5·4) = 1 + 3 = 4
  close(lambdaReturns(x, 0.5, 0.5), [5.5, 8, 4, 4, 4, 0]);
  close(lambdaReturns(x, 0.5, 0), [6, 12, 4, 5, 4, 0]); // λ = 0 is one-step
  // λ = 1: Monte-Carlo within the episode: ep 0: G0 = 1 + 0.5·2 + 0.25·4 = 3; ep 1 bootstraps at the cut: 1 + 0.5·(1 + 0.5·6) = 3
  close(lambdaReturns(x, 0.5, 1), [3, 4, 4, 3, 4, 0]);
});

test("cut traces (Watkins's Q(λ)): a λ-return bootstraps V(s) before a step whose joint action was exploratory", () => {
  // λ = 0.5, γ = 0.5. ep 0, step 1 exploratory: G2 = 4, G1 = 8 as uncut, G0 = 1 + 0.5·V(s1)=10 → 6
  //   ep 1, step 0 exploratory: nothing before it to cut, so G = [4, 4] as uncut
  close(lambdaReturns({ ...x, greedy: Uint8Array.from([1, 0, 1, 0, 1, 0]) }, 0.5, 0.5), [6, 8, 4, 4, 4, 0]);
  // ep 0, step 2 exploratory: G1 = 2 + 0.5·20 = 12, G0 = 1 + 0.5·(0.5·10 + 0.5·12) = 6.5; ep 1 step 1: G0 = 1 + 0.5·8 = 5
  close(lambdaReturns({ ...x, greedy: Uint8Array.from([1, 1, 0, 1, 0, 0]) }, 0.5, 0.5), [6.5, 12, 4, 5, 4, 0]);
  close(lambdaReturns({ ...x, greedy: new Uint8Array(6).fill(1) }, 0.5, 0.5), [5.5, 8, 4, 4, 4, 0]); // all greedy: uncut
  assert.throws(() => lambdaReturns({ ...x, greedy: new Uint8Array(4) }, 0.5, 0.5), /greedy has 4 entries/);
});

test('n-step returns, cut at terminal steps and at the end of the data', () => {
  // n = 2: ep 0: G0 = 1 + 0.5·2 + 0.25·V(s2)=20 → 7; G1 = 2 + 0.5·4 = 4 (terminal, no bootstrap); G2 = 4
  //        ep 1: G0 = 1 + 0.5·1 + 0.25·6 = 3; G1 = 1 + 0.5·6 = 4
  close(nStepReturns(x, 0.5, 2), [7, 4, 4, 3, 4, 0]);
  close(nStepReturns(x, 0.5, 1), [6, 12, 4, 5, 4, 0]);
});

test('the hybrid switch: one-step targets before T0, the configured return after', () => {
  const targets = resolveConfig('default', { sparsity: { mode: 'mast', density: 0.1 } }).targets;
  assert.equal(targets.returns, 'td-lambda');
  assert.equal(returnKindAt(targets, 0, 1000), 'one-step');
  assert.equal(returnKindAt(targets, 99, 1000), 'one-step');
  assert.equal(returnKindAt(targets, 100, 1000), 'td-lambda');
  close(tdTargets('td-lambda', x, 0.5, { ...targets, lambda: 0.5 }), [5.5, 8, 4, 4, 4, 0]);
});

test('inputs of the wrong size are RangeErrors naming the array', () => {
  assert.throws(
    () => lambdaReturns({ ...x, filled: new Uint8Array(5) }, 0.9, 0.6),
    (e: unknown) => e instanceof RangeError && /filled has 5 entries/.test(e.message),
  );
});
