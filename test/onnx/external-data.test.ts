/**
 * Why tensors with external data are refused: ONNX Runtime follows `data_location = EXTERNAL` and
 * reads the named file from disk into the weight, even when the tensor also embeds its data. The
 * toolkit never writes such tensors, so every reader refuses them before ONNX Runtime sees the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportAgent } from '../../src/onnx/export-agent.js';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { floatBytes } from '@mast-toolkit/runtime/internal/onnx/tensor-data';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { AgentSession } from '@mast-toolkit/runtime/internal/runtime/ort';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { inputSize } from '../../src/snapshot/validate.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { snapshot, SMALL_ARCH } from './fixtures.js';

test('a tensor with embedded data and data_location = EXTERNAL makes ONNX Runtime read a file; the toolkit refuses it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-external-'));
  const m = structuredClone(exportAgent(snapshot(1, 3), { format: 'dense' }));
  const bias = m.graph.initializer.find((t) => t.name === 'fc2.bias')!;
  // the file ONNX Runtime would read: a bias of 1000s, far from the embedded one
  writeFileSync(join(dir, 'bias.bin'), floatBytes(new Float32Array(SMALL_ARCH.nActions).fill(1000)));
  bias.dataLocation = 1;
  bias.externalData = [{ key: 'location', value: 'bias.bin' }];
  const path = join(dir, 'agent.onnx');
  writeFileSync(path, encodeModel(m));

  // ONNX Runtime, given the file directly, takes the weight from bias.bin
  const dims = { inputSize: inputSize(SMALL_ARCH), hidden: SMALL_ARCH.hidden, nActions: SMALL_ARCH.nActions };
  const session = await AgentSession.create(path, dims);
  const out = await session.run(new Float32Array(dims.inputSize), new Float32Array(dims.hidden), 1);
  await session.close();
  assert.ok(
    out.qValues.every((q) => q > 900),
    `ONNX Runtime read the external file: Q ${Array.from(out.qValues)}`,
  );

  // every toolkit reader refuses the model first
  const refused = (e: unknown): boolean =>
    e instanceof ToolkitError &&
    e.code === 'E_ONNX_INVALID' &&
    /'fc2\.bias' keeps its data in an external file/.test(e.message);
  assert.throws(() => readOnnxFile(path), refused);
  for (const engine of ['ort', 'sparse'] as const) await assert.rejects(OnnxPolicy.create(path, { engine }), refused);
});
