/**
 * The sparse engine runs only what it implements exactly. Each case below is a model the engine once
 * ran (and answered) while ONNX Runtime refused it or computed something else; now the engine refuses
 * it with a ToolkitError naming the problem, and where ONNX Runtime refuses too, both engines agree.
 * Also: sparse indices in coordinate form `[NNZ, rank]` give the same Q-values on both engines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportAgent } from '../../src/onnx/export-agent.js';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { makeAttribute } from '../../src/onnx/builders.js';
import { readFloats } from '@mast-toolkit/runtime/internal/onnx/tensor-data';
import { AgentSession } from '@mast-toolkit/runtime/internal/runtime/ort';
import { SparseAgentEngine } from '@mast-toolkit/runtime/internal/runtime/sparse-engine';
import { inputSize } from '../../src/snapshot/validate.js';
import { Rng } from '../../src/util/rng.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { DataType, type ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import { snapshot, SMALL_ARCH, toCoordinateIndices } from '../onnx/fixtures.js';

const dims = { inputSize: inputSize(SMALL_ARCH), hidden: SMALL_ARCH.hidden, nActions: SMALL_ARCH.nActions };
const model = (): ModelProto => structuredClone(exportAgent(snapshot(0.3, 12), { format: 'sparse' }));
const node = (m: ModelProto, op: string) => m.graph.node.find((n) => n.opType === op)!;

/** Does ONNX Runtime load and run `m` for one step? */
async function ortRuns(m: ModelProto): Promise<boolean> {
  try {
    const s = await AgentSession.create(encodeModel(m), dims);
    await s.run(new Float32Array(2 * dims.inputSize).fill(0.5), new Float32Array(2 * dims.hidden), 2);
    await s.close();
    return true;
  } catch {
    return false;
  }
}

test('coordinate-form sparse indices [NNZ, rank] give the same Q-values on both engines', async () => {
  const m = toCoordinateIndices(model());
  assert.equal(m.graph.sparseInitializer[0]!.indices.dims.length, 2);
  const ort = await AgentSession.create(encodeModel(m), dims);
  const sparse = SparseAgentEngine.fromModel(m, dims);
  const rng = new Rng(5);
  let [hA, hB] = [new Float32Array(3 * dims.hidden), new Float32Array(3 * dims.hidden)];
  for (let step = 0; step < 3; step++) {
    const x = Float32Array.from({ length: 3 * dims.inputSize }, () => rng.uniform(-1, 1));
    const a = await ort.run(x, hA, 3);
    const b = sparse.runSync(x, hB, 3);
    a.qValues.forEach((q, i) =>
      assert.ok(Math.abs(q - b.qValues[i]!) <= 1e-5, `step ${step} q[${i}]: ort ${q} vs sparse ${b.qValues[i]}`),
    );
    [hA, hB] = [new Float32Array(a.hidden), new Float32Array(b.hidden)];
  }
  await ort.close();
});

/** name, damage, the message the sparse engine must give, and whether ONNX Runtime refuses it too. */
const cases: Array<[string, (m: ModelProto) => void, RegExp, boolean]> = [
  [
    'an op of an unknown domain',
    (m) => (node(m, 'Relu').domain = 'com.example'),
    /Relu of domain 'com\.example'/,
    true,
  ],
  ['GRU layout = 1', (m) => node(m, 'GRU').attribute.push(makeAttribute('layout', 1)), /layout = 1/, true],
  ['GRU clip', (m) => node(m, 'GRU').attribute.push(makeAttribute('clip', 0.5, 'float')), /attribute 'clip'/, false],
  [
    'GRU direction reverse',
    (m) => node(m, 'GRU').attribute.push(makeAttribute('direction', 'reverse')),
    /not forward/,
    false,
  ],
  [
    'GRU hidden_size inconsistent with W',
    (m) => (node(m, 'GRU').attribute.find((a) => a.name === 'hidden_size')!.i = 8),
    /W is \[1,48,16\]/,
    true,
  ],
  [
    'INT32-typed bias values',
    (m) => {
      const b = m.graph.initializer.find((t) => t.name === 'fc2.bias')!;
      b.dataType = DataType.INT32;
      b.rawData = new Uint8Array(
        Int32Array.from(readFloats({ ...b, dataType: DataType.FLOAT }), (v) => Math.round(v)).buffer,
      );
    },
    /data type 6/,
    true,
  ],
  [
    'INT32-typed sparse weight values',
    (m) => {
      const v = m.graph.sparseInitializer[0]!.values;
      v.dataType = DataType.INT32;
    },
    /data type 6/,
    true,
  ],
  [
    'a bias of shape [A, 1] (broadcasts across rows)',
    (m) => (m.graph.initializer.find((t) => t.name === 'fc2.bias')!.dims = [SMALL_ARCH.nActions, 1]),
    /shape \[5,1\]/,
    true,
  ],
  [
    'Unsqueeze on axis 1',
    (m) =>
      (m.graph.initializer.find((t) => t.name === 'axes0')!.rawData = new Uint8Array(new BigInt64Array([1n]).buffer)),
    /over axes \[1\]/,
    true,
  ],
  ['Squeeze without axes', (m) => (node(m, 'Squeeze').input = [node(m, 'Squeeze').input[0]!]), /without axes/, false],
  [
    'an extra attribute on MatMul',
    (m) => node(m, 'MatMul').attribute.push(makeAttribute('transA', 1)),
    /attribute 'transA'/,
    false,
  ],
];

for (const [name, damage, message, ortRefuses] of cases) {
  test(`the sparse engine refuses ${name}${ortRefuses ? ', as ONNX Runtime does' : ''}`, async () => {
    const m = model();
    damage(m);
    assert.throws(
      () => SparseAgentEngine.fromModel(m, dims, 'bad.onnx'),
      (e: unknown) =>
        e instanceof ToolkitError &&
        e.code === 'E_ONNX_LOAD' &&
        /^sparse engine: bad\.onnx /.test(e.message) &&
        message.test(e.message),
      String(message),
    );
    if (ortRefuses) assert.equal(await ortRuns(m), false, 'ONNX Runtime runs it');
  });
}

test('the undamaged model runs on both engines (the cases above are refused for their damage)', async () => {
  assert.equal(await ortRuns(model()), true);
  assert.doesNotThrow(() => SparseAgentEngine.fromModel(model(), dims));
});
