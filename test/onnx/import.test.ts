/** `mast import`: our exports round-trip exactly; pymarl agents exported from PyTorch import and match ORT. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportAgent } from '../../src/onnx/export-agent.js';
import { importAgent } from '../../src/onnx/import-agent.js';
import { decodeModel, encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { checkImport } from '../../src/verify/import-check.js';
import { RNN_AGENT_TENSORS } from '@mast-toolkit/runtime/internal/snapshot/types';
import { ConfigError, ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { snapshot } from './fixtures.js';
import { runCli } from '../cli/harness.js';

/** The fixtures made by test/fixtures/make-pymarl-agents.py (compiled tests run from dist/test/onnx). */
const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));
const recallLayout = { obs: 7, lastAction: 4, agentId: 3 };

test('our own exports import back to the same weights and masks, sparse and dense', () => {
  const snap = snapshot(0.2, 5);
  for (const [format, sparseEncoding] of [
    ['sparse', 'initializer'],
    ['sparse', 'constant'],
    ['dense', 'initializer'],
  ] as const) {
    const back = importAgent(decodeModel(encodeModel(exportAgent(snap, { format, sparseEncoding })), 'test'));
    assert.deepEqual(back.architecture, snap.architecture);
    for (const name of RNN_AGENT_TENSORS) {
      assert.deepEqual(
        Array.from(back.tensors[name].values),
        Array.from(snap.tensors[name].values),
        `${format} ${name} values`,
      );
      if (format === 'sparse' && snap.tensors[name].mask)
        assert.deepEqual(back.tensors[name].mask, snap.tensors[name].mask, `${name} mask`);
    }
    assert.equal(back.metadata.configHash, snap.metadata.configHash);
    if (format === 'sparse') {
      // re-exporting the import with the same options gives the same bytes (metadata included)
      const bytes = encodeModel(exportAgent(snap, { format, sparseEncoding }));
      assert.deepEqual(
        encodeModel(exportAgent(importAgent(decodeModel(bytes, 'test')), { format, sparseEncoding })),
        bytes,
        `${sparseEncoding}: byte-identical round trip`,
      );
    }
  }
});

test('pymarl agents exported from PyTorch import (GRUCell decomposed, and a GRU node) and reproduce ONNX Runtime', async () => {
  for (const name of ['pymarl-agent-gru-cell.onnx', 'pymarl-agent-gru.onnx']) {
    const bytes = new Uint8Array(readFileSync(fixture(name)));
    const model = decodeModel(bytes, name);
    const snap = importAgent(model, { inputLayout: recallLayout, nAgents: 3, env: 'recall', what: name });
    assert.deepEqual([snap.architecture.hidden, snap.architecture.nActions], [16, 4]);
    assert.equal(snap.metadata.density, 1);
    const check = await checkImport(bytes, model, snap, name, 1e-5);
    assert.ok(check.maxAbsQDiff <= 1e-5 && check.maxAbsHiddenDiff <= 1e-5, `${name}: ${JSON.stringify(check)}`);
  }
});

test('a wrong gate order would be caught: swapping r and z in the import fails the check', async () => {
  const bytes = new Uint8Array(readFileSync(fixture('pymarl-agent-gru-cell.onnx')));
  const model = decodeModel(bytes, 'cell');
  const snap = importAgent(model, { inputLayout: recallLayout, nAgents: 3 });
  const w = snap.tensors['gru.weightIh'].values; // [16, 48]: swap the z and r column blocks
  for (let r = 0; r < 16; r++)
    for (let j = 0; j < 16; j++) [w[r * 48 + j], w[r * 48 + 16 + j]] = [w[r * 48 + 16 + j]!, w[r * 48 + j]!];
  await assert.rejects(
    checkImport(bytes, model, snap, 'cell'),
    (e: unknown) => e instanceof ToolkitError && /do not reproduce its outputs/.test(e.message),
  );
});

test('mast import → export → eval --against: a PyTorch agent plays recall in ONNX Runtime exactly like its import', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-import-'));
  const run = join(dir, 'run');
  const imported = await runCli([
    'import',
    fixture('pymarl-agent-gru-cell.onnx'),
    '--out',
    run,
    '--env',
    'recall',
    '--json',
  ]);
  assert.equal(imported.error, null, String(imported.error));
  const report = JSON.parse(imported.out) as { architecture: { inputLayout: unknown } };
  assert.deepEqual(report.architecture.inputLayout, recallLayout, 'layout inferred from the input width');
  const model = join(dir, 'agent.onnx');
  assert.equal((await runCli(['export', run, '-o', model])).error, null);
  const evaluated = await runCli(['eval', model, '--episodes', '5', '--against', run, '--json']);
  assert.equal(evaluated.error, null, String(evaluated.error));
  const r = JSON.parse(evaluated.out) as { parity: { actionAgreement: number; maxAbsQDiff: number } };
  assert.equal(r.parity.actionAgreement, 1);
  assert.ok(r.parity.maxAbsQDiff < 1e-5);
  // without metadata the environment must be named; a mismatched one is refused with both sizes
  const noEnv = await runCli(['import', fixture('pymarl-agent-gru.onnx'), '--out', join(dir, 'x')]);
  assert.ok(noEnv.error instanceof ConfigError && /--env/.test((noEnv.error as Error).message));
  const wrong = await runCli(['import', fixture('pymarl-agent-gru.onnx'), '--out', join(dir, 'y'), '--env', 'twostep']);
  assert.ok(
    wrong.error instanceof ConfigError && /reads 14 inputs/.test((wrong.error as Error).message),
    String(wrong.error),
  );
});
