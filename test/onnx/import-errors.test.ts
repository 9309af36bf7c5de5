/**
 * `mast import` on bad input: PyTorch exports made the wrong way get an error naming the problem
 * and the `torch.onnx.export` fix; damaged `mast.*` metadata and adversarial graphs (an Identity
 * with an empty output name, a long Identity chain) give a ToolkitError or import, promptly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportAgent } from '../../src/onnx/export-agent.js';
import { importAgent } from '../../src/onnx/import-agent.js';
import { decodeModel, encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { makeNode } from '../../src/onnx/builders.js';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import { snapshot } from './fixtures.js';
import { runCli } from '../cli/harness.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

const pytorchCases: Array<[string, RegExp, RegExp]> = [
  ['pymarl-agent-fixed-batch.onnx', /fixes the batch axis of 'inputs' to 3/, /dynamic_axes=/],
  ['pymarl-agent-float64.onnx', /stores weight '.+' as float64 \(DOUBLE\)/, /model\.float\(\)/],
  [
    'pymarl-agent-swapped-outputs.onnx',
    /lists its outputs as \(hidden state 'h', Q-values 'q'\)/,
    /output_names=\["q", "h"\]/,
  ],
];

for (const [name, message, hint] of pytorchCases) {
  test(`mast import explains a PyTorch export made wrongly: ${name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mast-import-err-'));
    const run = await runCli(['import', fixture(name), '--out', join(dir, 'run'), '--env', 'recall']);
    const e = run.error as ToolkitError;
    assert.ok(e instanceof ToolkitError, String(e));
    assert.equal(e.code, 'E_ONNX_LOAD');
    assert.match(e.message, message);
    assert.match(String(e.hint), hint);
    assert.doesNotMatch(e.message, /mast export/, 'no hint to re-export with mast export');
  });
}

/** Our export with metadata entry `key` set to `value`. */
function withMetadata(key: string, value: string): ModelProto {
  const m = structuredClone(exportAgent(snapshot(0.3, 2), { format: 'sparse' }));
  const p = m.metadataProps.find((x) => x.key === key);
  if (p) p.value = value;
  else m.metadataProps.push({ key, value });
  return m;
}

const metadataCases: Array<[string, string, RegExp]> = [
  ['mast.input_layout', '{"obs":6,"lastAction":5,"agentId":3', /'mast\.input_layout' is '.*', not valid JSON/],
  ['mast.input_layout', '{"obs":-6,"lastAction":5,"agentId":3}', /'mast\.input_layout' .* not \{"obs"/],
  ['mast.config', '{"seed":1,', /'mast\.config' .* not valid JSON/],
  ['mast.n_agents', '3x', /'mast\.n_agents' is '3x', not an integer in \[1, 4096\]/],
  ['mast.seed', 'abc', /'mast\.seed' is 'abc', not a number/],
];

for (const [key, value, message] of metadataCases) {
  test(`a malformed ${key} ('${value}') is a ToolkitError in import, not a stack trace`, () => {
    assert.throws(
      () => importAgent(withMetadata(key, value), { what: 'bad.onnx' }),
      (e: unknown) => e instanceof ToolkitError && e.code === 'E_ONNX_LOAD' && message.test(e.message) && !!e.hint,
    );
  });
}

test('metadata mast.hidden = 5e8 is refused before anything of that size is allocated', async () => {
  const m = withMetadata('mast.hidden', '5e8');
  const before = process.memoryUsage().rss;
  for (const engine of ['ort', 'sparse'] as const) {
    await assert.rejects(
      OnnxPolicy.create(encodeModel(m), { engine }),
      (e: unknown) =>
        e instanceof ToolkitError && /'mast\.hidden' is '5e8', not an integer in \[1, 65536\]/.test(e.message),
    );
  }
  assert.ok(process.memoryUsage().rss - before < 200e6, 'no large allocation');
});

test('an Identity node with an empty output name does not send the importer into endless recursion', () => {
  const m = structuredClone(exportAgent(snapshot(0.3, 2), { format: 'sparse' }));
  m.graph.node.unshift(makeNode('Identity', ['inputs'], ['']), makeNode('Identity', [''], ['']));
  const snap = importAgent(m, { what: 'odd.onnx' });
  assert.equal(snap.architecture.hidden, 16);
});

test('a long Identity chain is traced in linear time', () => {
  const m = structuredClone(exportAgent(snapshot(0.3, 2), { format: 'sparse' }));
  const n = 20_000;
  const chain = Array.from({ length: n }, (_, k) =>
    makeNode('Identity', [k === 0 ? 'inputs' : `id${k - 1}`], [`id${k}`]),
  );
  m.graph.node.unshift(...chain);
  const bytes = encodeModel(m);
  const t0 = performance.now();
  const snap = importAgent(decodeModel(bytes, 'chain.onnx'), { what: 'chain.onnx' });
  const ms = performance.now() - t0;
  assert.equal(snap.architecture.hidden, 16);
  assert.ok(ms < 3000, `${ms.toFixed(0)} ms for a chain of ${n}`);
});

test('mast import of a model with damaged metadata exits through a ToolkitError', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-import-meta-'));
  const path = join(dir, 'bad.onnx');
  writeFileSync(path, encodeModel(withMetadata('mast.input_layout', '{"obs":6,"lastAction":5,"agentId"')));
  const run = await runCli(['import', path, '--out', join(dir, 'run')]);
  assert.ok(run.error instanceof ToolkitError && (run.error as ToolkitError).code === 'E_ONNX_LOAD', String(run.error));
});
