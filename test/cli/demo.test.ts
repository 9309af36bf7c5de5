import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './harness.js';
import { JSON_SCHEMAS } from '../../cli/json-schemas.js';
import { checkShape } from '../../src/util/json-shape.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';

interface DemoJson {
  meanReturn: number;
  density: number;
  parity: { actionAgreement: number };
  denseFileBytes: number;
  fileBytes: number;
  latency: { medianUs: number };
  engines: { ortMedianUs: number; sparseMedianUs: number; sparseReturn: number };
  randomPolicy: { meanReturn: number; winRate: number | null; episodes: number };
  topology: Array<{ tEnv: number; topologyUpdates: number; topologySwaps: number; exploredFraction: number | null }>;
  reusedFinishedRun: boolean;
  conclusion: string;
}

// 3000 steps of smaclite/3m: the first learner updates come after 32 episodes, and MAST moves the
// topology every 50 updates, so a few topology updates happen in a run this short.
test('mast demo (short): trains MAST with a moving topology, exports, checks parity, times both engines, measures chance', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mast-demo-')), 'demo');
  const run = await runCli(['demo', '--out', out, '--steps', '3000', '--episodes', '4', '--json']);
  assert.equal(run.error, null, String(run.error));
  const report = JSON.parse(run.out.trim().split('\n').at(-1)!) as DemoJson;
  assert.deepEqual(checkShape(report, JSON_SCHEMAS.demo), [], 'the documented schema (docs/cli-json.md)');
  assert.match(
    run.err,
    /\[1\/4\] training qmix with MAST on smaclite\/3m .*density 0\.1 over the weight matrices of agent and mixer together/,
  );
  assert.equal(report.parity.actionAgreement, 1);
  assert.ok(
    report.denseFileBytes > 2 * report.fileBytes,
    `dense ${report.denseFileBytes} vs sparse ${report.fileBytes} bytes`,
  );
  assert.equal(
    report.engines.sparseReturn,
    report.meanReturn,
    'the sparse engine plays the same episodes the same way',
  );
  assert.ok(report.engines.ortMedianUs > 0 && report.engines.sparseMedianUs > 0);
  assert.equal(report.latency.medianUs, report.engines.ortMedianUs, 'one ONNX Runtime latency: the engine timed alone');
  const moved = report.topology.reduce((n, p) => n + p.topologySwaps, 0);
  assert.ok(
    report.topology.some((p) => p.topologyUpdates > 0) && moved > 0,
    `the topology moved: ${JSON.stringify(report.topology)}`,
  );
  assert.ok(
    report.topology.at(-1)!.exploredFraction! > report.topology[0]!.exploredFraction!,
    'more weights were used than the mask holds at once',
  );
  assert.equal(report.randomPolicy.episodes, 4);
  assert.match(
    report.conclusion,
    new RegExp(
      `^Shown: MAST trained .* against a random policy's ${(100 * report.randomPolicy.winRate!).toFixed(0)}% wins \\(return ${report.randomPolicy.meanReturn.toFixed(2)}\\) on the same episodes`,
    ),
  );
  assert.equal(report.reusedFinishedRun, false);
  assert.match(readFileSync(join(out, 'sparsity.svg'), 'utf8'), /topology updates moved \d+ weights/);
  for (const f of ['agent.onnx', 'agent.dense.onnx', 'learning-curve.svg', 'sparsity.svg'])
    assert.ok(existsSync(join(out, f)), f);

  // run again on the finished run: it is reused, and says so instead of "trained 3000 steps in 0.2 s"
  const again = await runCli(['demo', '--out', out, '--steps', '3000', '--episodes', '2']);
  assert.equal(again.error, null, String(again.error));
  assert.match(
    again.err,
    /\[1\/4\] reusing the finished run in .* \(\d+ steps trained earlier in [\d.]+ s; delete the folder or pass another --out to train again\)/,
  );
  assert.doesNotMatch(again.err + again.progress, /trained \d+ steps in/);
  assert.match(again.out, /^ {2}step +test return +win +topology updates +weights moved +ever active$/m);
  assert.match(
    again.out,
    /^ {2}latency {5}median per decision of all 3 agents, each engine timed alone: ONNX Runtime \d+ µs, sparse engine \d+ µs/m,
  );
  assert.equal((again.out.match(/µs/g) ?? []).length, 2, 'two latencies, one per engine, explained');
  assert.match(
    again.out,
    /^ {2}weights {5}density 0\.\d{3} \(nonzero fraction of the agent's weight matrices; biases and the mixer not counted\)/m,
  );
  assert.match(again.out.trim().split('\n').at(-1)!, /^Shown: .* against a random policy's/);
  // both sessions are in the run's console log, the reuse appended under its own header
  const log = readFileSync(join(out, 'console.log'), 'utf8');
  assert.deepEqual(
    [...log.matchAll(/^=== \S+ {2}mast demo --out \S+ --steps 3000 --episodes \d+(?: --json)? {2}\((.*)\)$/gm)].map(
      (m) => m[1],
    ),
    ['new run, from step 0', 'reusing the finished run'],
  );
  assert.match(log, /^train qmix on smaclite\/3m: trained \d+ steps in [\d.]+ s$/m);
  assert.ok(log.endsWith(`${again.out.trim().split('\n').at(-1)!}\n`), 'ends with the closing sentence');
});

test('mast demo over a run of another config (an earlier default compute path) is refused, naming the folder and the way out', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mast-demo-other-')), 'demo');
  const trained = await runCli([
    'train',
    '--preset',
    'quickstart',
    '--steps',
    '300',
    '--compute',
    'kernels',
    '--out',
    out,
  ]);
  assert.equal(trained.error, null, String(trained.error));
  const run = await runCli(['demo', '--out', out, '--steps', '300', '--episodes', '2']);
  assert.ok(run.error instanceof ConfigError, String(run.error));
  assert.match(
    run.error.message,
    /holds a run trained with another config than this demo.s \(differing: compute \(saved "kernels", given "arrays"\)\)/,
  );
  assert.match(run.error.hint ?? '', /delete .*demo.* or pass --out DIR/);
  assert.equal(existsSync(join(out, 'agent.onnx')), false, 'nothing exported from the other run');
});
