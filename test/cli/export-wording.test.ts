/** What `mast export` says it wrote: the storage counted in the file, the mixer beside the agent with the same options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './harness.js';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';

test('a dense run exports as dense whatever --format; --with-mixer writes agent.mixer.onnx with the same --format', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-export-'));
  const run = join(dir, 'run');
  const trained = await runCli(['train', '--env', 'recall', '--steps', '60', '--out', run]);
  assert.equal(trained.error, null, String(trained.error));
  const out = join(dir, 'agent.onnx');
  const dense = await runCli(['export', run, '-o', out, '--with-mixer']);
  assert.equal(dense.error, null, String(dense.error));
  assert.match(dense.out, /^wrote .*agent\.onnx \(dense: every weight stored, \d+ bytes\)$/m);
  assert.doesNotMatch(dense.out, /sparse/);
  assert.match(dense.out, /^wrote .*agent\.mixer\.onnx \(mixer, dense: every weight stored, \d+ bytes\)$/m);

  const sparseRun = join(dir, 'sparse');
  assert.equal(
    (
      await runCli([
        'train',
        '--env',
        'recall',
        '--steps',
        '60',
        '--sparsity',
        'static',
        '--density',
        '0.1',
        '--out',
        sparseRun,
      ])
    ).error,
    null,
  );
  const asDense = await runCli(['export', sparseRun, '-o', join(dir, 'd.onnx'), '--with-mixer', '--format', 'dense']);
  assert.match(asDense.out, /d\.mixer\.onnx \(mixer, dense: every weight stored/);
  assert.equal(
    readOnnxFile(join(dir, 'd.mixer.onnx')).model.graph.sparseInitializer.length,
    0,
    '--format dense reaches the mixer',
  );
  const asConstants = await runCli([
    'export',
    sparseRun,
    '-o',
    join(dir, 'c.onnx'),
    '--with-mixer',
    '--sparse-as',
    'constant',
  ]);
  assert.match(asConstants.out, /c\.onnx \(sparse: 4 weight matrices as sparse Constant nodes/);
  assert.match(asConstants.out, /c\.mixer\.onnx \(mixer, sparse: \d+ weight matrices as sparse Constant nodes/);
});
