import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './harness.js';

test('mast demo (short): trains, exports both formats, verifies parity, and times both engines on the same episodes', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mast-demo-')), 'demo');
  const run = await runCli(['demo', '--out', out, '--steps', '400', '--episodes', '5', '--json']);
  assert.equal(run.error, null, String(run.error));
  const report = JSON.parse(run.out.trim().split('\n').at(-1)!) as {
    meanReturn: number;
    parity: { actionAgreement: number };
    denseFileBytes: number;
    fileBytes: number;
    engines: { ortMedianUs: number; sparseMedianUs: number; sparseReturn: number };
  };
  assert.equal(report.parity.actionAgreement, 1);
  assert.ok(report.denseFileBytes > 2 * report.fileBytes, `dense ${report.denseFileBytes} vs sparse ${report.fileBytes} bytes`);
  assert.equal(report.engines.sparseReturn, report.meanReturn, 'the sparse engine plays the same episodes the same way');
  assert.ok(report.engines.ortMedianUs > 0 && report.engines.sparseMedianUs > 0);
  for (const f of ['agent.onnx', 'agent.dense.onnx', 'learning-curve.svg', 'sparsity.svg']) assert.ok(existsSync(join(out, f)), f);
});
