import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportAgentBytes } from '../../src/onnx/export-agent.js';
import { AgentSession } from '@mast-toolkit/runtime/internal/runtime/ort';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { referenceStep } from '../../src/snapshot/reference.js';
import { inputSize } from '../../src/snapshot/validate.js';
import { Rng } from '../../src/util/rng.js';
import { ShapeError, ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { snapshot, SMALL_ARCH } from '../onnx/fixtures.js';

test('ONNX Runtime matches the float64 reference within 1e-5 over chained steps (dense and 90% sparse, H = 16 and 64)', async () => {
  for (const [density, hidden] of [
    [1, 16],
    [0.1, 16],
    [0.1, 64],
    [1, 64],
  ] as const) {
    const arch = { ...SMALL_ARCH, hidden };
    const snap = snapshot(density, 7, arch);
    for (const format of ['sparse', 'dense'] as const) {
      const session = await AgentSession.create(exportAgentBytes(snap, { format }), {
        inputSize: inputSize(arch),
        hidden,
        nActions: arch.nActions,
      });
      const rng = new Rng(9);
      const batch = 3;
      let hOrt: Float32Array = new Float32Array(batch * hidden);
      let hRef: Float32Array = new Float32Array(batch * hidden);
      for (let step = 0; step < 4; step++) {
        const inputs = Float32Array.from({ length: batch * inputSize(arch) }, () => rng.uniform(-1, 1));
        const ort = await session.run(inputs, hOrt, batch);
        const ref = referenceStep(snap, inputs, hRef, batch);
        ort.qValues.forEach((q, i) =>
          assert.ok(
            Math.abs(q - ref.qValues[i]!) <= 1e-5,
            `density ${density} H ${hidden} ${format} step ${step}: q[${i}] ${q} vs ${ref.qValues[i]}`,
          ),
        );
        ort.hidden.forEach((x, i) => assert.ok(Math.abs(x - ref.hidden[i]!) <= 1e-5, `hidden[${i}]`));
        hOrt = new Float32Array(ort.hidden);
        hRef = ref.hidden;
      }
      await session.close();
    }
  }
});

test('OnnxPolicy: greedy over available actions, feeds back last actions, resets', async () => {
  const snap = snapshot(0.3, 5);
  const policy = await OnnxPolicy.create(exportAgentBytes(snap));
  assert.equal(policy.nAgents, 3);
  const obs = [0, 1, 2].map((i) => Float32Array.from({ length: 6 }, (_, k) => (i + k) / 10));
  const onlyTwo = [0, 1, 2].map(() => new Uint8Array([0, 0, 1, 0, 0]));
  const picked = await policy.act(obs, onlyTwo);
  assert.deepEqual(picked, [2, 2, 2]);
  policy.reset();
  assert.deepEqual(picked, [2, 2, 2], 'reset() leaves the arrays it returned alone');
  const first = await policy.step(obs);
  // the reference, fed the same inputs, picks the same greedy actions
  const inputs = new Float32Array(3 * 14);
  obs.forEach((o, i) => {
    inputs.set(o, i * 14);
    inputs[i * 14 + 6 + 5 + i] = 1; // agent id; no last action at the first step
  });
  const ref = referenceStep(snap, inputs, new Float32Array(3 * 16), 3);
  for (let i = 0; i < 3; i++) {
    const row = Array.from(ref.qValues.slice(i * 5, i * 5 + 5));
    assert.equal(first.actions[i], row.indexOf(Math.max(...row)));
  }
  // qValues is step's Q-values: a fresh policy's first call reproduces the reference row
  const twin = await OnnxPolicy.create(exportAgentBytes(snap));
  const q = await twin.qValues(obs);
  ref.qValues.forEach((v, k) => assert.ok(Math.abs(v - q[k]!) < 1e-5, `Q[${k}]`));
  await twin.close();
  await assert.rejects(
    policy.step(obs.slice(0, 2)),
    (e: unknown) => e instanceof ShapeError && /^OnnxPolicy\.step: got 2 observations for 3 agents/.test(e.message),
  );
  await assert.rejects(policy.act(obs.slice(0, 2)), /: OnnxPolicy\.act: got 2 observations/);
  await assert.rejects(policy.qValues(obs.slice(0, 2)), /: OnnxPolicy\.qValues: got 2 observations/);
  await assert.rejects(
    policy.step(obs, [new Uint8Array(5), new Uint8Array(5), new Uint8Array(4)]),
    /avail must hold 3 masks of length 5/,
  );
  await policy.close();
});

test('OnnxPolicy rejects a missing file, garbage bytes and a model without MAST metadata', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-policy-'));
  await assert.rejects(
    OnnxPolicy.create(join(dir, 'none.onnx')),
    (e: unknown) =>
      e instanceof ToolkitError && e.code === 'E_ONNX_LOAD' && /none\.onnx does not exist/.test(e.message),
  );
  const junk = join(dir, 'junk.onnx');
  writeFileSync(junk, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
  await assert.rejects(
    OnnxPolicy.create(junk),
    (e: unknown) => e instanceof ToolkitError && e.code === 'E_ONNX_LOAD' && /junk\.onnx/.test(e.message),
  );
});
