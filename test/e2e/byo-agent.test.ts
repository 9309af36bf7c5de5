/**
 * Bring your own agent and environment, end to end (docs/compress.md): a pymarl agent trained in
 * PyTorch on a Python environment (test/fixtures/make-toy-agent.py → toy-agent.onnx) is imported,
 * then compressed to density 0.1 twice — online, training on through the Python bridge, and offline,
 * distilled over episodes recorded through the bridge — and both compressed exports play on ONNX
 * Runtime and on the sparse engine exactly as their own tfjs agents do.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/harness.js';
import { bridgeChildren } from '../envs/bridge-children.js';

const TOY = 'python:test/fixtures/envs/toy_env.py:ToyEnv';
const AGENT = 'test/fixtures/toy-agent.onnx';
const dir = mkdtempSync(join(tmpdir(), 'mast-byo-'));

after(() => assert.deepEqual(bridgeChildren(), [], 'no bridge process outlives the tests'));

/** `mast args --json`, parsed; fails the test on an error. */
async function json<T>(args: string[]): Promise<T> {
  const run = await runCli([...args, '--json']);
  assert.equal(run.error, null, `${args.join(' ')}: ${String(run.error)}`);
  return JSON.parse(run.out) as T;
}

interface EvalJson {
  meanReturn: number;
  density: number;
  flops: { ratio: number };
  parity?: { actionAgreement: number; maxAbsQDiff: number; decisions: number };
}

/** Both engines play `model` as the tfjs agent of `run` does: every action the same. */
async function assertParity(model: string, run: string): Promise<EvalJson> {
  let first: EvalJson | null = null;
  for (const engine of ['ort', 'sparse']) {
    const r = await json<EvalJson>(['eval', model, '--episodes', '20', '--against', run, '--engine', engine]);
    assert.ok(r.parity && r.parity.decisions > 100, `${engine}: compared over ${r.parity?.decisions} decisions`);
    assert.equal(r.parity.actionAgreement, 1, `${engine}: ${model} plays as its tfjs agent`);
    assert.ok(r.parity.maxAbsQDiff < 1e-4, `${engine}: max |ΔQ| ${r.parity.maxAbsQDiff}`);
    first ??= r;
  }
  return first!;
}

test('a PyTorch agent of a Python environment, compressed to 0.1 online (through the bridge) and offline (recorded episodes): both exports play exactly as their tfjs agents on both engines', async () => {
  const imported = join(dir, 'imported');
  assert.equal((await runCli(['import', AGENT, '--env', TOY, '--out', imported])).error, null);
  const dense = join(dir, 'dense.onnx');
  assert.equal((await runCli(['export', imported, '-o', dense])).error, null);
  const source = await json<EvalJson>(['eval', dense, '--episodes', '20']);
  assert.ok(
    source.meanReturn > 4,
    `the fixture is a trained policy: return ${source.meanReturn} (3 grabs and the win bonus, less the step costs)`,
  );

  // --- online: MAST training through the Python bridge while pruning to 0.1
  const online = join(dir, 'online');
  const report = await json<{
    agentDensity: number;
    flopsPerDecision: { ratio: number };
    source: { tEnv: number; return: number } | null;
  }>(['compress', imported, '--density', '0.1', '--steps', '1000', '--out', online]);
  assert.ok(report.agentDensity < 0.15 && report.flopsPerDecision.ratio < 0.2, JSON.stringify(report));
  assert.equal(report.source?.tEnv, 0, "the imported agent's return before pruning is measured at step 0");
  assert.ok(report.source.return > 4, `source return ${report.source.return}`);
  const onlineModel = join(dir, 'online.onnx');
  assert.equal((await runCli(['export', online, '-o', onlineModel])).error, null);
  await assertParity(onlineModel, online);

  // --- offline: record through the bridge, distil, no environment
  const episodes = join(dir, 'episodes.mast');
  assert.equal((await runCli(['record', imported, '--out', episodes, '--episodes', '200'])).error, null);
  const offline = join(dir, 'offline');
  const distilled = await json<{
    model: string;
    density: number;
    distill: { heldOut: { actionAgreement: number; decisions: number } };
  }>(['compress', imported, '--data', episodes, '--density', '0.1', '--updates', '800', '--out', offline]);
  assert.ok(Math.abs(distilled.density - 0.1) < 0.01, `density ${distilled.density}`);
  assert.ok(
    distilled.distill.heldOut.actionAgreement >= 0.97,
    `held-out agreement with the dense teacher ${distilled.distill.heldOut.actionAgreement} over ${distilled.distill.heldOut.decisions} decisions`,
  );
  const played = await assertParity(distilled.model, offline);
  assert.ok(played.flops.ratio < 0.2, `FLOPs ratio ${played.flops.ratio}`);
});
