/**
 * `StatelessPolicy`: stepping many sessions in one engine call gives each session what it gets
 * stepped alone (bit-for-bit on the sparse engine, within 1e-5 on ONNX Runtime), chains of stateless
 * steps reproduce the stateful `OnnxPolicy`, input states are never changed, bad states are refused
 * naming the session, and ONNX Runtime session options reach the session.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  StatelessPolicy,
  type PolicyState,
  type StatelessDecision,
  type StatelessStep,
} from '@mast-toolkit/runtime/internal/runtime/stateless-policy';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { ortSessionOptions } from '@mast-toolkit/runtime/internal/runtime/ort';
import { Rng } from '../../src/util/rng.js';
import { ShapeError, ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { exportAgent, exportAgentBytes } from '../../src/onnx/export-agent.js';
import { wrapBatchAgents } from '../../src/onnx/export-batch.js';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { snapshot } from '../onnx/fixtures.js';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const SMAC = join(MODELS, 'smaclite_3m-mast-d0.1.onnx');
const RECALL_DENSE = join(MODELS, 'recall-dense.onnx');

/** Random observations and availability masks (at least one action each) for one step of one session. */
function randomStep(policy: StatelessPolicy, rng: Rng, state: PolicyState): StatelessStep {
  const { nAgents: n, nActions: a, inputLayout } = policy.metadata;
  const obs = Array.from({ length: n }, () => Float32Array.from({ length: inputLayout.obs }, () => rng.uniform(-1, 1)));
  const avail = Array.from({ length: n }, () => {
    const m = Uint8Array.from({ length: a }, () => (rng.next() < 0.6 ? 1 : 0));
    m[rng.int(a)] = 1;
    return m;
  });
  return { obs, avail: rng.next() < 0.3 ? undefined : avail, state };
}

/** Sessions at different points of their episodes: S states after 0..S−1 steps alone. */
async function statesAtDifferentSteps(policy: StatelessPolicy, rng: Rng, sessions: number): Promise<PolicyState[]> {
  const states: PolicyState[] = [];
  for (let s = 0; s < sessions; s++) {
    let state = policy.initialState();
    for (let t = 0; t < s; t++) state = (await policy.step(randomStep(policy, rng, state))).state;
    states.push(state);
  }
  return states;
}

for (const [engine, model] of [
  ['sparse', SMAC],
  ['sparse', RECALL_DENSE],
  ['ort', SMAC],
  ['ort', RECALL_DENSE],
] as const) {
  const exact = engine === 'sparse';
  test(`${engine} engine, ${model.split('/').pop()}: stepMany of 9 sessions equals each session stepped alone${exact ? ', bit for bit' : ' within 1e-5'}`, async () => {
    const policy = await StatelessPolicy.create(model, { engine });
    assert.equal(policy.batchesSessions, true);
    const rng = new Rng(11);
    const states = await statesAtDifferentSteps(policy, rng, 9);
    const inputs = states.map((state) => randomStep(policy, rng, state));
    const before = states.map((s) => [new Float32Array(s.hidden), new Int32Array(s.lastActions)] as const);
    const batched = await policy.stepMany(inputs);
    const alone: StatelessDecision[] = [];
    for (const input of inputs) alone.push(await policy.step(input));
    batched.forEach((b, s) => {
      const one = alone[s]!;
      if (exact) {
        assert.deepEqual(b.qValues, one.qValues, `session ${s} Q-values`);
        assert.deepEqual(b.state.hidden, one.state.hidden, `session ${s} hidden`);
      } else {
        b.qValues.forEach((q, i) =>
          assert.ok(Math.abs(q - one.qValues[i]!) <= 1e-5, `session ${s} q[${i}]: ${q} vs ${one.qValues[i]}`),
        );
        b.state.hidden.forEach((x, i) =>
          assert.ok(Math.abs(x - one.state.hidden[i]!) <= 1e-5, `session ${s} hidden[${i}]`),
        );
      }
      assert.deepEqual(b.actions, one.actions, `session ${s} actions`);
      assert.deepEqual(Array.from(b.state.lastActions), b.actions);
      b.actions.forEach((act, i) =>
        assert.ok(
          inputs[s]!.avail === undefined || inputs[s]!.avail![i]![act] === 1,
          `session ${s} agent ${i} picked an unavailable action`,
        ),
      );
    });
    states.forEach((s, i) => {
      assert.deepEqual(s.hidden, before[i]![0], `the input state ${i} was changed`);
      assert.deepEqual(s.lastActions, before[i]![1]);
    });
    await policy.close();
  });
}

test('a chain of stateless steps reproduces the stateful OnnxPolicy bit for bit (sparse engine)', async () => {
  const stateless = await StatelessPolicy.create(SMAC, { engine: 'sparse' });
  const stateful = await OnnxPolicy.create(SMAC, { engine: 'sparse' });
  const rng = new Rng(5);
  let state = stateless.initialState();
  for (let t = 0; t < 12; t++) {
    const input = randomStep(stateless, rng, state);
    const d = await stateless.step(input);
    const ref = await stateful.step(input.obs, input.avail);
    assert.deepEqual(d.actions, ref.actions, `step ${t}`);
    assert.deepEqual(d.qValues, ref.qValues, `step ${t}`);
    state = d.state;
  }
  await stateless.close();
  await stateful.close();
});

test('stepMany refuses a bad state or observation naming the session, before running anything', async () => {
  const policy = await StatelessPolicy.create(SMAC, { engine: 'sparse' });
  const rng = new Rng(3);
  const good = randomStep(policy, rng, policy.initialState());
  const { nAgents: n, nActions: a } = policy.metadata;
  const short = { ...good, state: { hidden: new Float32Array(3), lastActions: new Int32Array(n).fill(-1) } };
  await assert.rejects(
    policy.stepMany([good, short]),
    (e: unknown) => e instanceof ShapeError && /session 1: state\.hidden/.test(e.message),
  );
  const outOfRange = { ...good, state: { hidden: good.state.hidden, lastActions: new Int32Array(n).fill(a) } };
  await assert.rejects(
    policy.stepMany([good, good, outOfRange]),
    (e: unknown) => e instanceof RangeError && /session 2: state\.lastActions\[0\] is/.test(e.message),
  );
  const nan = {
    ...good,
    state: { hidden: new Float32Array(good.state.hidden).fill(NaN), lastActions: good.state.lastActions },
  };
  await assert.rejects(policy.step(nan), (e: unknown) => e instanceof ToolkitError && e.code === 'E_NUMERIC');
  const noAction = { ...good, avail: good.obs.map(() => new Uint8Array(a)) };
  await assert.rejects(
    policy.stepMany([good, noAction]),
    (e: unknown) => e instanceof ToolkitError && e.code === 'E_NO_ACTION' && /session 1/.test(e.message),
  );
  assert.deepEqual(await policy.stepMany([]), []);
  await policy.close();
  await assert.rejects(policy.step(good), (e: unknown) => e instanceof ToolkitError && e.code === 'E_CLOSED');
});

test('ONNX Runtime session options pass through: threads and optimisation level reach the session, bad ones are refused', async () => {
  assert.deepEqual(ortSessionOptions({}), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  assert.deepEqual(ortSessionOptions({ intraOpNumThreads: 2, graphOptimizationLevel: 'disabled' }), {
    intraOpNumThreads: 2,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'disabled',
    logSeverityLevel: 3,
  });
  await assert.rejects(
    StatelessPolicy.create(SMAC, { engine: 'ort', ort: { intraOpNumThreads: -1 } }),
    (e: unknown) => e instanceof RangeError && /intraOpNumThreads/.test(e.message),
  );
  await assert.rejects(
    OnnxPolicy.create(SMAC, { engine: 'ort', ort: { graphOptimizationLevel: 'fast' as never } }),
    (e: unknown) => e instanceof RangeError && /graphOptimizationLevel/.test(e.message),
  );
  const rng = new Rng(8);
  const tuned = await StatelessPolicy.create(SMAC, {
    engine: 'ort',
    ort: { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'disabled' },
  });
  const plain = await StatelessPolicy.create(SMAC, { engine: 'ort' });
  const input = randomStep(plain, rng, plain.initialState());
  const [x, y] = [await tuned.step(input), await plain.step(input)];
  assert.deepEqual(x.actions, y.actions);
  x.qValues.forEach((q, i) => assert.ok(Math.abs(q - y.qValues[i]!) <= 1e-5));
  await tuned.close();
  await plain.close();
});

test('a batch-agents export steps its sessions one call each, with the results of the row graph (within 1e-5)', async () => {
  const snap = snapshot(0.3, 5);
  const rows = await StatelessPolicy.create(exportAgentBytes(snap));
  const batched = await StatelessPolicy.create(encodeModel(wrapBatchAgents(exportAgent(snap), snap.architecture)));
  assert.equal(batched.batchesSessions, false);
  const rng = new Rng(12);
  let [a, b] = [
    [rows.initialState(), rows.initialState()],
    [batched.initialState(), batched.initialState()],
  ];
  for (let t = 0; t < 4; t++) {
    const inputs = a.map((state) => randomStep(rows, rng, state));
    const [x, y] = [
      await rows.stepMany(inputs),
      await batched.stepMany(inputs.map((input, s) => ({ ...input, state: b[s]! }))),
    ];
    x.forEach((d, s) => {
      assert.deepEqual(y[s]!.actions, d.actions, `step ${t} session ${s}`);
      d.qValues.forEach((q, i) => assert.ok(Math.abs(q - y[s]!.qValues[i]!) <= 1e-5));
    });
    [a, b] = [x.map((d) => d.state), y.map((d) => d.state)];
  }
  await rows.close();
  await batched.close();
});
