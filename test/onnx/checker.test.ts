/**
 * The official ONNX checker (Debian's python3-onnx) as an independent judge. Dense exports pass
 * `full_check`. Sparse exports pass `check_model` (which applies the sparse-tensor rules) and
 * type-checked shape inference; `full_check`'s strict inference types sparse initializers as
 * sparse_tensor(float), which no standard op such as MatMul accepts, while ONNX Runtime (and the
 * ONNX IR spec's "initializers stored in sparse format") treat them as dense — see docs/onnx-layout.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportAgentBytes } from '../../src/onnx/export-agent.js';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { int64Bytes, readInts } from '@mast-toolkit/runtime/internal/onnx/tensor-data';
import { exportAgent } from '../../src/onnx/export-agent.js';
import { wrapBatchAgents } from '../../src/onnx/export-batch.js';
import { snapshot } from './fixtures.js';

const PYTHON = '/usr/bin/python3'; // Debian's interpreter, which python3-onnx installs for
const hasOnnx = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
const SKIP = hasOnnx ? false : 'python3-onnx not installed: apt-get install -y python3-onnx';

const CHECK = `
import sys, onnx
from onnx import shape_inference
m = onnx.load(sys.argv[1])
if sys.argv[2] == 'full':
    onnx.checker.check_model(m, full_check=True)
else:
    onnx.checker.check_model(m)
    shape_inference.infer_shapes(m, check_type=True, strict_mode=False)
print('ok')
`;

function check(bytes: Uint8Array, mode: 'full' | 'sparse'): { ok: boolean; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mast-checker-'));
  const path = join(dir, 'model.onnx');
  writeFileSync(path, bytes);
  const r = spawnSync(PYTHON, ['-c', CHECK, path, mode], { encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr };
}

test('dense exports pass onnx.checker full_check', { skip: SKIP }, () => {
  for (const density of [1, 0.1]) {
    const r = check(exportAgentBytes(snapshot(density), { format: 'dense' }), 'full');
    assert.ok(r.ok, r.stderr);
  }
});

test('sparse and auto exports pass onnx.checker and type-checked shape inference', { skip: SKIP }, () => {
  for (const format of ['sparse', 'auto'] as const) {
    const r = check(exportAgentBytes(snapshot(0.1, 4), { format }), 'sparse');
    assert.ok(r.ok, `${format}: ${r.stderr}`);
  }
});

test('sparse exports with sparse_value Constant nodes pass onnx.checker full_check', { skip: SKIP }, () => {
  for (const format of ['sparse', 'auto'] as const) {
    for (const density of [0.1, 0.05]) {
      const r = check(exportAgentBytes(snapshot(density, 4), { format, sparseEncoding: 'constant' }), 'full');
      assert.ok(r.ok, `${format} ${density}: ${r.stderr}`);
    }
  }
});

test(
  'the batch-agents graph passes full_check (dense weights, and sparse ones as Constant nodes)',
  { skip: SKIP },
  () => {
    const snap = snapshot(0.1, 4);
    for (const options of [
      { format: 'dense' as const },
      { format: 'sparse' as const, sparseEncoding: 'constant' as const },
    ]) {
      const r = check(encodeModel(wrapBatchAgents(exportAgent(snap, options), snap.architecture)), 'full');
      assert.ok(r.ok, `${JSON.stringify(options)}: ${r.stderr}`);
    }
  },
);

test('the checker agrees with our validator: unsorted sparse indices are rejected', { skip: SKIP }, () => {
  const model = exportAgent(snapshot(0.2));
  const ix = model.graph.sparseInitializer[0]!.indices;
  const values = readInts(ix);
  [values[0], values[1]] = [values[1]!, values[0]!];
  ix.rawData = int64Bytes(values);
  const r = check(encodeModel(model), 'sparse');
  assert.equal(r.ok, false);
  assert.match(r.stderr, /ascending|order/i);
});
