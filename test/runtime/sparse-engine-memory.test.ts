/**
 * The sparse engine's activation buffers serve every batch size up to their capacity: a server whose
 * batch changes on every call (1, 2, …, 200 rows) keeps one block, not one per batch size, and the
 * rows it computes are those of a fresh engine, bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { readAgentMetadata } from '@mast-toolkit/runtime/internal/onnx/agent-contract';
import { SparseAgentEngine } from '@mast-toolkit/runtime/internal/runtime/sparse-engine';
import { Rng } from '../../src/util/rng.js';

const MODEL = fileURLToPath(new URL('../../../models/smaclite_3m-mast-d0.1.onnx', import.meta.url));

test('batches of 1..200 rows keep at most twice the kernel memory of one 200-row batch, with the same results', () => {
  const { model } = readOnnxFile(MODEL);
  const meta = readAgentMetadata(model);
  const { obs, lastAction, agentId } = meta.inputLayout;
  const dims = { inputSize: obs + lastAction + agentId, hidden: meta.hidden, nActions: meta.nActions };
  const rng = new Rng(3);
  const rows = 200;
  const inputs = Float32Array.from({ length: rows * dims.inputSize }, () => rng.uniform(-1, 1)); // [200, In]
  const hidden = Float32Array.from({ length: rows * dims.hidden }, () => rng.uniform(-1, 1)); // [200, H]
  const once = SparseAgentEngine.fromModel(model, dims);
  const ref = once.runSync(inputs, hidden, rows);
  const varying = SparseAgentEngine.fromModel(model, dims);
  for (let b = 1; b <= rows; b++) {
    const out = varying.runSync(inputs.subarray(0, b * dims.inputSize), hidden.subarray(0, b * dims.hidden), b);
    assert.deepEqual(out.qValues, ref.qValues.subarray(0, b * dims.nActions), `batch ${b}`);
    assert.deepEqual(out.hidden, ref.hidden.subarray(0, b * dims.hidden), `batch ${b}`);
  }
  assert.ok(
    varying.kernelBytes <= 2 * once.kernelBytes,
    `${varying.kernelBytes} bytes after batches 1..200 vs ${once.kernelBytes} for one batch of 200`,
  );
});
