/**
 * Misuse of `OnnxPolicy`, the same on both engines: non-finite observations (E_NUMERIC), non-finite
 * weights at load (E_NUMERIC), an agent with no available action (E_NO_ACTION), any call after
 * close() (E_CLOSED); and files that must not be read at all (a device, an oversized file).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportAgent, exportAgentBytes } from '../../src/onnx/export-agent.js';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { floatBytes, readFloats } from '@mast-toolkit/runtime/internal/onnx/tensor-data';
import { MAX_MODEL_BYTES } from '@mast-toolkit/runtime/internal/onnx/limits';
import { AgentSession } from '@mast-toolkit/runtime/internal/runtime/ort';
import { SparseAgentEngine } from '@mast-toolkit/runtime/internal/runtime/sparse-engine';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { snapshot } from '../onnx/fixtures.js';

const ENGINES = ['ort', 'sparse'] as const;
const obs = (): Float32Array[] => [0, 1, 2].map((i) => Float32Array.from({ length: 6 }, (_, k) => (i - k) / 7));
const code =
  (c: string, pattern: RegExp) =>
  (e: unknown): boolean =>
    e instanceof ToolkitError && e.code === c && pattern.test(e.message) && !!e.hint;

test('NaN and ±Inf observations are refused with E_NUMERIC on both engines, and the policy state is untouched', async () => {
  const bytes = exportAgentBytes(snapshot(0.3, 5));
  for (const engine of ENGINES) {
    const policy = await OnnxPolicy.create(bytes, { engine });
    const twin = await OnnxPolicy.create(bytes, { engine });
    for (const bad of [NaN, Infinity, -Infinity]) {
      const o = obs();
      o[1]![3] = bad;
      await assert.rejects(
        policy.act(o),
        code('E_NUMERIC', new RegExp(`observation of agent 1 holds ${bad} at row 0, position 3`)),
        `${engine} ${bad}`,
      );
    }
    // the refused calls did not advance the hidden state: the next step equals a fresh policy's first
    assert.deepEqual(await policy.qValues(obs()), await twin.qValues(obs()), engine);
    await policy.close();
    await twin.close();
  }
});

test('the engines themselves refuse non-finite inputs and hidden states alike', async () => {
  const dims = { inputSize: 14, hidden: 16, nActions: 5 };
  const bytes = exportAgentBytes(snapshot(0.3, 5));
  const ort = await AgentSession.create(bytes, dims);
  const x = new Float32Array(14);
  const h = new Float32Array(16);
  h[2] = NaN;
  await assert.rejects(ort.run(x, h, 1), code('E_NUMERIC', /hidden holds NaN/));
  await ort.close();
});

test('the sparse engine refuses a NaN or ±Inf at any position of its inputs or hidden state (5 rows), naming it, before it writes an output; then runs as a fresh engine', () => {
  const dims = { inputSize: 14, hidden: 16, nActions: 5 };
  const model = exportAgent(snapshot(0.3, 5));
  const engine = SparseAgentEngine.fromModel(model, dims);
  const batch = 5;
  const x = Float32Array.from({ length: batch * 14 }, (_, i) => Math.sin(i));
  const h = Float32Array.from({ length: batch * 16 }, (_, i) => Math.cos(i) / 2);
  const [q, hOut] = [new Float32Array(batch * 5).fill(7), new Float32Array(batch * 16).fill(7)];
  for (const [name, values, row] of [
    ['inputs', x, 14],
    ['hidden', h, 16],
  ] as const)
    for (const bad of [NaN, Infinity, -Infinity])
      for (let i = 0; i < values.length; i++) {
        const kept = values[i] as number;
        values[i] = bad;
        assert.throws(
          () => engine.runInto(x, h, batch, q, hOut),
          code('E_NUMERIC', new RegExp(`${name} holds ${bad} at row ${Math.floor(i / row)}, position ${i % row};`)),
          `${name}[${i}] = ${bad}`,
        );
        values[i] = kept;
      }
  assert.ok(q.every((v) => v === 7) && hOut.every((v) => v === 7), 'no output written by a refused call');
  const fresh = SparseAgentEngine.fromModel(model, dims);
  assert.deepEqual(engine.runSync(x, h, batch), fresh.runSync(x, h, batch));
});

test('NaN and Inf weights are refused when the model is loaded, on both engines', async () => {
  for (const [name, bad] of [
    ['fc2.bias', NaN],
    ['fc1.weight', Infinity],
  ] as const) {
    const m = structuredClone(exportAgent(snapshot(0.3, 5), { format: 'sparse' }));
    const t =
      m.graph.initializer.find((x) => x.name === name) ??
      m.graph.sparseInitializer.find((s) => s.values.name === name)!.values;
    const v = readFloats(t);
    v[0] = bad;
    t.rawData = floatBytes(v);
    for (const engine of ENGINES)
      await assert.rejects(
        OnnxPolicy.create(encodeModel(m), { engine }),
        code('E_NUMERIC', new RegExp(`weight '${name.replace('.', '\\.')}' holds ${bad} at position 0`)),
        `${engine} ${name}`,
      );
  }
});

test('act() for an agent with no available action throws E_NO_ACTION on both engines', async () => {
  const bytes = exportAgentBytes(snapshot(0.3, 5));
  for (const engine of ENGINES) {
    const policy = await OnnxPolicy.create(bytes, { engine });
    const avail = [new Uint8Array([1, 0, 0, 0, 0]), new Uint8Array(5), new Uint8Array([0, 0, 0, 0, 1])];
    await assert.rejects(policy.act(obs(), avail), code('E_NO_ACTION', /agent 1 has no available action/), engine);
    await policy.close();
  }
});

test('after close(), both engines throw the same E_CLOSED error, and a second close() is harmless', async () => {
  const bytes = exportAgentBytes(snapshot(0.3, 5));
  const messages: string[] = [];
  for (const engine of ENGINES) {
    const policy = await OnnxPolicy.create(bytes, { engine });
    await policy.act(obs());
    await policy.close();
    await policy.close();
    for (const call of [() => policy.act(obs()), () => policy.step(obs()), () => policy.qValues(obs())]) {
      await assert.rejects(call(), (e: unknown) => {
        assert.ok(
          code('E_CLOSED', /OnnxPolicy \(model bytes\) was used after close\(\)/)(e),
          `${engine}: ${String(e)}`,
        );
        messages.push((e as Error).message);
        return true;
      });
    }
  }
  assert.equal(new Set(messages).size, 1, 'one message for both engines');
});

test('a device and an oversized file are refused before they are read', async () => {
  await assert.rejects(OnnxPolicy.create('/dev/zero'), code('E_ONNX_LOAD', /\/dev\/zero is not a regular file/));
  const dir = mkdtempSync(join(tmpdir(), 'mast-big-'));
  const big = join(dir, 'big.onnx');
  writeFileSync(big, '');
  const fd = openSync(big, 'r+');
  ftruncateSync(fd, MAX_MODEL_BYTES + 1); // a sparse file: no disk space used
  closeSync(fd);
  await assert.rejects(
    OnnxPolicy.create(big),
    code(
      'E_ONNX_LOAD',
      new RegExp(`big\\.onnx is ${MAX_MODEL_BYTES + 1} bytes; the limit for a model is ${MAX_MODEL_BYTES} bytes`),
    ),
  );
  await assert.rejects(OnnxPolicy.create(dir), code('E_ONNX_LOAD', /is a directory/));
  // bytes given directly are held to the same limit (a stand-in claiming the length, not 256 MiB of memory)
  const claimed = new Uint8Array(16);
  Object.defineProperty(claimed, 'length', { value: MAX_MODEL_BYTES + 1 });
  await assert.rejects(
    OnnxPolicy.create(claimed),
    code('E_ONNX_LOAD', /model bytes is 268435457 bytes; the limit for a model is 268435456 bytes/),
  );
});

test('weights that overflow float32 give E_NUMERIC on both engines and leave the hidden state as it was', async () => {
  const m = structuredClone(exportAgent(snapshot(1, 5), { format: 'dense' }));
  // the last layer's weights and biases at 3.4e38: finite, but their sums overflow to +Inf
  for (const name of ['fc2.weight', 'fc2.bias']) {
    const t = m.graph.initializer.find((x) => x.name === name)!;
    t.rawData = floatBytes(readFloats(t).fill(3.4e38));
  }
  for (const engine of ENGINES) {
    const policy = await OnnxPolicy.create(encodeModel(m), { engine });
    await assert.rejects(
      policy.act(obs()),
      code('E_NUMERIC', /the model's (Q-values|next hidden state) holds (-?Infinity|NaN)/),
      engine,
    );
    await assert.rejects(
      policy.act(obs()),
      code('E_NUMERIC', /the model's (Q-values|next hidden state)/),
      `${engine}: still the outputs, not a NaN hidden state fed back`,
    );
    await policy.close();
  }
});
