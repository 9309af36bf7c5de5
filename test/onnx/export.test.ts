import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportAgent, exportAgentBytes, readAgentMetadata } from '../../src/onnx/export-agent.js';
import { decodeModel, encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { readFloats, readInts } from '@mast-toolkit/runtime/internal/onnx/tensor-data';
import { DataType } from '@mast-toolkit/runtime/internal/onnx/types';
import { inspectModel } from '@mast-toolkit/runtime/internal/onnx/inspect';
import { agentFlops, linearFlops, GRU_ELEMENTWISE_PER_UNIT } from '../../src/onnx/flops.js';
import { snapshot, SMALL_ARCH } from './fixtures.js';

test('sparse export: masked weights become sparse initializers with ascending INT64 indices that rebuild the snapshot', () => {
  const snap = snapshot(0.2);
  const model = decodeModel(exportAgentBytes(snap), 'round trip');
  const byName = new Map(model.graph.sparseInitializer.map((s) => [s.values.name, s]));
  assert.deepEqual([...byName.keys()].sort(), ['fc1.weight', 'fc2.weight', 'gru.R', 'gru.W']);
  const h = SMALL_ARCH.hidden;
  // gru.W [1, 3H, H] is the transpose of weightIh [H, 3H]: W[0, j, i] = weightIh[i, j]
  const w = byName.get('gru.W')!;
  assert.equal(w.indices.dataType, DataType.INT64);
  const idx = readInts(w.indices);
  const vals = readFloats(w.values);
  for (let k = 1; k < idx.length; k++) assert.ok(idx[k]! > idx[k - 1]!, 'strictly ascending');
  const dense = new Float32Array(3 * h * h);
  idx.forEach((i, k) => (dense[i] = vals[k]!));
  const src = snap.tensors['gru.weightIh'];
  for (let i = 0; i < h; i++) for (let j = 0; j < 3 * h; j++) assert.equal(dense[j * h + i], src.values[i * 3 * h + j]);
  assert.equal(
    idx.length,
    src.mask!.reduce((a, m) => a + m, 0),
  );
});

test('dense export stores everything dense; auto goes sparse only below 1/3 density', () => {
  assert.equal(exportAgent(snapshot(0.2), { format: 'dense' }).graph.sparseInitializer.length, 0);
  assert.equal(exportAgent(snapshot(0.2), { format: 'auto' }).graph.sparseInitializer.length, 4);
  assert.equal(exportAgent(snapshot(0.5), { format: 'auto' }).graph.sparseInitializer.length, 0);
  assert.equal(
    exportAgent(snapshot(1), { format: 'sparse' }).graph.sparseInitializer.length,
    0,
    'no mask, nothing to sparsify',
  );
});

test('at 90% sparsity the sparse file is smaller than the dense one', () => {
  const snap = snapshot(0.1, 2, { ...SMALL_ARCH, hidden: 64 });
  const sparse = exportAgentBytes(snap, { format: 'sparse' }).length;
  const dense = exportAgentBytes(snap, { format: 'dense' }).length;
  assert.ok(sparse < dense * 0.5, `sparse ${sparse} B vs dense ${dense} B`);
});

test('metadata records the agent layout and provenance, and reads back', () => {
  const model = exportAgent(snapshot(0.2));
  const meta = readAgentMetadata(decodeModel(encodeModel(model), 'm'));
  assert.deepEqual(meta.inputLayout, SMALL_ARCH.inputLayout);
  assert.equal(meta.hidden, 16);
  assert.equal(meta.nActions, 5);
  assert.equal(meta.nAgents, 3);
  assert.equal(meta.sparsityMode, 'static');
  const props = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  assert.ok(JSON.parse(props['mast.per_layer_density']!)['gru.weightHh'] < 0.25);
  const flops = agentFlops(model);
  assert.deepEqual(
    [Number(props['mast.flops_dense']), Number(props['mast.flops_sparse'])],
    [flops.dense, flops.sparse],
  );
  assert.ok(flops.sparse < 0.5 * flops.dense);
  model.metadataProps = model.metadataProps.filter((p) => p.key !== 'mast.hidden');
  assert.throws(() => readAgentMetadata(model, 'x.onnx'), /x.onnx has no 'mast.hidden' metadata/);
});

test('inspect counts nonzeros, density and bytes per tensor', () => {
  const model = exportAgent(snapshot(0.25));
  const r = inspectModel(model);
  const fc1 = r.tensors.find((t) => t.name === 'fc1.weight')!;
  assert.equal(fc1.storage, 'sparse');
  assert.equal(fc1.size, 14 * 16);
  assert.equal(fc1.nnz, Math.round(0.25 * 14 * 16));
  assert.equal(fc1.bytes, 12 * fc1.nnz);
  const bias = r.tensors.find((t) => t.name === 'gru.B')!;
  assert.deepEqual(bias.shape, [1, 96]);
  assert.equal(bias.bytes, 4 * 96);
  assert.ok(Math.abs(r.totals.density - 0.25) < 0.01, `density ${r.totals.density}`);
});

test('FLOPs: hand-worked dense count, and sparse/dense ≈ density for large layers', () => {
  // In = 14, H = 16, A = 5: fc1 2·14·16 + 16 (bias) + 16 (relu); GRU 2·(48·16)·2 + 17·16; fc2 2·16·5 + 5
  //   = 448 + 32 + 3072 + 272 + 160 + 5 = 3989
  assert.equal(agentFlops(exportAgent(snapshot(1))).dense, 3989);
  assert.equal(linearFlops(14, 16), 448);
  assert.equal(GRU_ELEMENTWISE_PER_UNIT, 17);
  const big = agentFlops(exportAgent(snapshot(0.1, 3, { ...SMALL_ARCH, hidden: 256 })));
  assert.ok(Math.abs(big.ratio - 0.1) < 0.01, `ratio ${big.ratio}`);
});

test('Constant(sparse_value) encoding: no sparse initializers, the same tensors, sizes and FLOPs under inspect', () => {
  const snap = snapshot(0.1);
  const a = exportAgent(snap, { format: 'sparse' });
  const b = exportAgent(snap, { format: 'sparse', sparseEncoding: 'constant' });
  assert.equal(b.graph.sparseInitializer.length, 0);
  assert.equal(b.graph.node.filter((n) => n.opType === 'Constant').length, a.graph.sparseInitializer.length);
  const sortByName = (r: ReturnType<typeof inspectModel>) =>
    [...r.tensors].sort((x, y) => x.name.localeCompare(y.name));
  assert.deepEqual(sortByName(inspectModel(b)), sortByName(inspectModel(a)));
  assert.deepEqual(agentFlops(b), agentFlops(a));
  assert.equal(readAgentMetadata(b).sparsityMode, snap.metadata.sparsityMode);
});
