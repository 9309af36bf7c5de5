import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { decodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { exportAgent, exportAgentBytes } from '../../src/onnx/export-agent.js';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { makeNode } from '../../src/onnx/builders.js';
import { AgentSession } from '@mast-toolkit/runtime/internal/runtime/ort';
import { SparseAgentEngine } from '@mast-toolkit/runtime/internal/runtime/sparse-engine';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { inputSize } from '../../src/snapshot/validate.js';
import { Rng } from '../../src/util/rng.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import { snapshot, SMALL_ARCH } from '../onnx/fixtures.js';

/** Chain `steps` steps of both engines on the same random inputs; returns the largest |ΔQ| and |Δh|. */
async function compare(
  model: ModelProto,
  arch: typeof SMALL_ARCH,
  steps: number,
  batch: number,
): Promise<{ q: number; h: number; argmaxAgree: boolean }> {
  const dims = { inputSize: inputSize(arch), hidden: arch.hidden, nActions: arch.nActions };
  const ort = await AgentSession.create(encodeModel(model), dims);
  const sparse = SparseAgentEngine.fromModel(model, dims);
  const rng = new Rng(4);
  let [hOrt, hSparse] = [new Float32Array(batch * arch.hidden), new Float32Array(batch * arch.hidden)];
  const worst = { q: 0, h: 0, argmaxAgree: true };
  for (let s = 0; s < steps; s++) {
    const x = Float32Array.from({ length: batch * dims.inputSize }, () => rng.uniform(-1, 1));
    const a = await ort.run(x, hOrt, batch);
    const b = sparse.runSync(x, hSparse, batch);
    a.qValues.forEach((q, i) => (worst.q = Math.max(worst.q, Math.abs(q - b.qValues[i]!))));
    a.hidden.forEach((h, i) => (worst.h = Math.max(worst.h, Math.abs(h - b.hidden[i]!))));
    for (let r = 0; r < batch; r++) {
      const rowA = Array.from(a.qValues.slice(r * arch.nActions, (r + 1) * arch.nActions));
      const rowB = Array.from(b.qValues.slice(r * arch.nActions, (r + 1) * arch.nActions));
      if (rowA.indexOf(Math.max(...rowA)) !== rowB.indexOf(Math.max(...rowB))) worst.argmaxAgree = false;
    }
    [hOrt, hSparse] = [new Float32Array(a.hidden), new Float32Array(b.hidden)];
  }
  await ort.close();
  return worst;
}

test('the sparse engine matches ONNX Runtime within 1e-5 with identical greedy actions (dense and sparse exports, densities 1, 0.1, 0.05)', async () => {
  for (const [density, hidden] of [
    [1, 16],
    [0.1, 16],
    [0.05, 64],
    [0.1, 64],
  ] as const) {
    const arch = { ...SMALL_ARCH, hidden };
    for (const format of ['sparse', 'dense'] as const) {
      const worst = await compare(exportAgent(snapshot(density, 3, arch), { format }), arch, 6, 5);
      assert.ok(
        worst.q <= 1e-5 && worst.h <= 1e-5,
        `density ${density} H ${hidden} ${format}: |ΔQ| ${worst.q}, |Δh| ${worst.h}`,
      );
      assert.ok(worst.argmaxAgree, `density ${density} ${format}: greedy actions differ`);
    }
  }
});

test('runInto matches run for batches of 1 to 12 rows (4-, 8- and 12-lane layouts), updating the hidden state in place', async () => {
  const arch = { ...SMALL_ARCH, hidden: 16 };
  const model = exportAgent(snapshot(0.2, 5, arch));
  const dims = { inputSize: inputSize(arch), hidden: 16, nActions: arch.nActions };
  const ort = await AgentSession.create(encodeModel(model), dims);
  const sparse = SparseAgentEngine.fromModel(model, dims);
  const rng = new Rng(9);
  for (const batch of [1, 4, 5, 9, 12]) {
    const x = Float32Array.from({ length: batch * dims.inputSize }, () => rng.uniform(-1, 1));
    const h = Float32Array.from({ length: batch * 16 }, () => rng.uniform(-1, 1));
    const want = await ort.run(x, h, batch);
    const q = new Float32Array(batch * dims.nActions);
    sparse.runInto(x, h, batch, q, h); // h is both the input and the output
    want.qValues.forEach((v, i) => assert.ok(Math.abs(v - q[i]!) <= 1e-5, `batch ${batch} Q[${i}]`));
    want.hidden.forEach((v, i) => assert.ok(Math.abs(v - h[i]!) <= 1e-5, `batch ${batch} h[${i}]`));
  }
  assert.throws(
    () =>
      sparse.runInto(
        new Float32Array(dims.inputSize),
        new Float32Array(16),
        1,
        new Float32Array(2),
        new Float32Array(16),
      ),
    /outputs must hold 1×/,
  );
  await ort.close();
});

test('weights stored as Constant(sparse_value) nodes run the same in both engines', async () => {
  const arch = { ...SMALL_ARCH, hidden: 16 };
  const worst = await compare(
    exportAgent(snapshot(0.1, 6, arch), { format: 'sparse', sparseEncoding: 'constant' }),
    arch,
    4,
    3,
  );
  assert.ok(worst.q <= 1e-5 && worst.h <= 1e-5 && worst.argmaxAgree, JSON.stringify(worst));
});

test('the sparse engine also runs a GRU with linear_before_reset = 0 exactly as ONNX Runtime does (CSR and dense kernels)', async () => {
  for (const density of [0.3, 1]) {
    const model = exportAgent(snapshot(density, 8), { format: 'sparse' });
    const gru = model.graph.node.find((n) => n.opType === 'GRU')!;
    gru.attribute.find((a) => a.name === 'linear_before_reset')!.i = 0;
    const worst = await compare(model, SMALL_ARCH, 5, 3);
    assert.ok(worst.q <= 1e-5 && worst.h <= 1e-5, `density ${density}: |ΔQ| ${worst.q}, |Δh| ${worst.h}`);
  }
});

test('the sparse engine counts only stored weights, and refuses ops it does not run', () => {
  const arch = { ...SMALL_ARCH, hidden: 16 };
  const dims = { inputSize: inputSize(arch), hidden: 16, nActions: arch.nActions };
  const dense = SparseAgentEngine.fromModel(exportAgent(snapshot(1, 1, arch), { format: 'dense' }), dims);
  const sparse = SparseAgentEngine.fromModel(exportAgent(snapshot(0.1, 1, arch), { format: 'sparse' }), dims);
  assert.ok(sparse.storedWeights < 0.15 * dense.storedWeights, `${sparse.storedWeights} vs ${dense.storedWeights}`);
  const model = exportAgent(snapshot(0.1, 1, arch));
  model.graph.node.splice(2, 1, makeNode('Tanh', ['fc1.out'], ['fc1.relu']));
  assert.throws(
    () => SparseAgentEngine.fromModel(model, dims, 'odd.onnx'),
    (e: unknown) =>
      e instanceof ToolkitError && /odd\.onnx uses Tanh/.test(e.message) && /--engine ort/.test(String(e.hint)),
  );
});

test('OnnxPolicy on the sparse engine picks the same actions as on ONNX Runtime', async () => {
  const bytes = exportAgentBytes(snapshot(0.05, 9, { ...SMALL_ARCH, hidden: 64 }));
  const [ort, sparse] = [await OnnxPolicy.create(bytes), await OnnxPolicy.create(bytes, { engine: 'sparse' })];
  assert.equal(sparse.engine, 'sparse');
  const rng = new Rng(1);
  for (let t = 0; t < 10; t++) {
    const obs = [0, 1, 2].map(() => Float32Array.from({ length: 6 }, () => rng.uniform(-1, 1)));
    assert.deepEqual(await sparse.act(obs), await ort.act(obs));
  }
  await ort.close();
  await sparse.close();
});

test('an Add with its constant on the left runs the same', async () => {
  const arch = { ...SMALL_ARCH, hidden: 16 };
  const model = exportAgent(snapshot(0.2, 2, arch));
  const add = model.graph.node.find((n) => n.opType === 'Add' && n.input[1] === 'fc2.bias')!;
  add.input = [add.input[1]!, add.input[0]!];
  const worst = await compare(model, arch, 3, 2);
  assert.ok(worst.q <= 1e-5 && worst.argmaxAgree, JSON.stringify(worst));
});

test('dense and nearly dense matrices run on the dense kernel, sparse ones on CSR, and either way the engine matches ONNX Runtime for batches of 1 to 9 (partial 4-row groups, 8-row blocks cut short)', async () => {
  const arch = { ...SMALL_ARCH, hidden: 20 }; // 3H = 60 rows: the last 8-row block has 4
  const dims = { inputSize: inputSize(arch), hidden: 20, nActions: arch.nActions };
  for (const [density, kernels] of [
    [1, { dense: 4, csr: 0 }],
    [0.6, { dense: 4, csr: 0 }],
    [0.1, { dense: 0, csr: 4 }],
  ] as const) {
    const model = exportAgent(snapshot(density, 12, arch));
    const sparse = SparseAgentEngine.fromModel(model, dims);
    assert.deepEqual(sparse.matrixKernels, kernels, `density ${density}`);
    const ort = await AgentSession.create(encodeModel(model), dims);
    const rng = new Rng(13);
    for (const batch of [1, 3, 4, 5, 8, 9]) {
      const x = Float32Array.from({ length: batch * dims.inputSize }, () => rng.uniform(-1, 1));
      const h = Float32Array.from({ length: batch * 20 }, () => rng.uniform(-1, 1));
      const want = await ort.run(x, h, batch);
      const got = sparse.runSync(x, h, batch);
      want.qValues.forEach((v, i) =>
        assert.ok(
          Math.abs(v - got.qValues[i]!) <= 1e-5,
          `density ${density} batch ${batch} Q[${i}]: ${v} vs ${got.qValues[i]}`,
        ),
      );
      want.hidden.forEach((v, i) =>
        assert.ok(Math.abs(v - got.hidden[i]!) <= 1e-5, `density ${density} batch ${batch} h[${i}]`),
      );
    }
    await ort.close();
  }
});

test('every agent shipped in models/ gives the same Q-values (within 1e-5) and greedy actions on the sparse engine as on ONNX Runtime, dense ones wholly on the dense kernel', async () => {
  const dir = new URL('../../../models/', import.meta.url); // compiled tests run from dist/test/runtime
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.onnx'))
    .sort();
  assert.ok(files.length > 0);
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(new URL(file, dir)));
    const [ort, sparse] = [
      await OnnxPolicy.create(bytes, { engine: 'ort' }),
      await OnnxPolicy.create(bytes, { engine: 'sparse' }),
    ];
    const { inputLayout, nAgents, nActions, hidden } = ort.metadata;
    const engine = SparseAgentEngine.fromModel(decodeModel(bytes, file), {
      inputSize: inputSize({ kind: 'rnn-agent', inputLayout, hidden, nActions, nAgents }),
      hidden,
      nActions,
    });
    // dense agents run every matrix on the dense kernel; sparse ones keep their sparse layers on CSR (a layer MAST leaves nearly dense goes dense)
    assert.equal(
      engine.matrixKernels.csr === 0,
      ort.metadata.density === 1,
      `${file}: ${JSON.stringify(engine.matrixKernels)} at density ${ort.metadata.density}`,
    );
    const rng = new Rng(17);
    for (let t = 0; t < 12; t++) {
      const obs = Array.from({ length: nAgents }, () =>
        Float32Array.from({ length: inputLayout.obs }, () => rng.uniform(-1, 1)),
      );
      const [a, b] = [await ort.qValues(obs), await sparse.qValues(obs)];
      a.forEach((q, i) => assert.ok(Math.abs(q - b[i]!) <= 1e-5, `${file} step ${t}: Q[${i}] ${q} vs ${b[i]}`));
      for (let n = 0; n < nAgents; n++) {
        const [rowA, rowB] = [
          Array.from(a.subarray(n * nActions, (n + 1) * nActions)),
          Array.from(b.subarray(n * nActions, (n + 1) * nActions)),
        ];
        assert.equal(
          rowB.indexOf(Math.max(...rowB)),
          rowA.indexOf(Math.max(...rowA)),
          `${file} step ${t}: agent ${n}'s greedy action`,
        );
      }
    }
    await ort.close();
    await sparse.close();
  }
});
