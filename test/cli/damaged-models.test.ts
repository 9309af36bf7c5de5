/**
 * Damaged models: truncations, flipped bytes and broken contents fed to `inspect`, `eval` and the
 * runtime on both engines. Every outcome must be a success (a flipped byte can land in a weight and
 * leave a valid model) or a ToolkitError — never a crash, a hang, or an error from deep inside.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportAgent } from '../../src/onnx/export-agent.js';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { Rng } from '../../src/util/rng.js';
import type { ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import { makeNode } from '../../src/onnx/builders.js';
import { int64Bytes, readInts } from '@mast-toolkit/runtime/internal/onnx/tensor-data';
import { randomSnapshot } from '../../src/snapshot/random.js';
import { runCli } from './harness.js';

/** A valid sparse export of an agent sized for `recall` (obs 7, 4 actions, 3 agents). */
function validModel(): ModelProto {
  const arch = {
    kind: 'rnn-agent' as const,
    inputLayout: { obs: 7, lastAction: 4, agentId: 3 },
    hidden: 16,
    nActions: 4,
    nAgents: 3,
  };
  const snap = randomSnapshot(arch, new Rng(3), 0.2);
  return exportAgent({ ...snap, metadata: { ...snap.metadata, env: 'recall' } }, { format: 'sparse' });
}

/** Apply `edit` to the first sparse initializer's indices, in the raw_data the exporter writes them to. */
function editIndices(m: ModelProto, edit: (idx: number[]) => void): void {
  const ix = m.graph.sparseInitializer[0]!.indices;
  assert.ok(ix.rawData && ix.rawData.length > 0 && !ix.int64Data?.length, 'indices are stored as raw_data');
  const idx = readInts(ix);
  assert.ok(idx.length > 1);
  edit(idx);
  ix.rawData = int64Bytes(idx);
}

/** Every damaged variant: a name and its bytes. */
function damaged(): Array<[string, Uint8Array]> {
  const good = encodeModel(validModel());
  const out: Array<[string, Uint8Array]> = [];
  for (const f of [0, 0.01, 0.1, 0.5, 0.9, 0.999])
    out.push([`truncated-${f}`, good.slice(0, Math.floor(good.length * f))]);
  const rng = new Rng(11);
  for (let k = 0; k < 8; k++) {
    const b = good.slice();
    const at = rng.int(b.length);
    b[at] = (b[at] as number) ^ (1 << rng.int(8));
    out.push([`flipped-${k}-at-${at}`, b]);
  }
  out.push(['zeros', new Uint8Array(good.length)]);
  out.push(['appended-garbage', Uint8Array.from([...good, 0xff, 0xff, 0xff, 0x0f])]);
  const edits: Array<[string, (m: ModelProto) => void]> = [
    // indices are stored as raw_data: edit them there (editing int64_data would leave them as they were)
    ['index-out-of-range', (m) => editIndices(m, (idx) => (idx[idx.length - 1] = 10 ** 9))],
    ['indices-unsorted', (m) => editIndices(m, (idx) => ([idx[0], idx[1]] = [idx[1]!, idx[0]!]))],
    ['wrong-opset', (m) => (m.opsetImport = [{ domain: '', version: 5 }])],
    ['wrong-weight-shape', (m) => (m.graph.sparseInitializer[0]!.dims = [3, 3])],
    ['metadata-hidden-wrong', (m) => (m.metadataProps.find((p) => p.key === 'mast.hidden')!.value = '32')],
    ['metadata-missing', (m) => (m.metadataProps = [])],
    ['unsupported-op', (m) => m.graph.node.splice(2, 1, makeNode('Tanh', ['fc1.out'], ['fc1.relu']))],
    ['no-nodes', (m) => (m.graph.node = [])],
  ];
  for (const [name, edit] of edits) {
    const m = validModel();
    edit(m);
    const bytes = encodeModel(m);
    assert.notDeepEqual(bytes, good, `the '${name}' edit changes the file`);
    out.push([name, bytes]);
  }
  return out;
}

const acceptable = (what: string, error: unknown): void => {
  if (error === null || error === undefined) return;
  assert.ok(
    error instanceof ToolkitError,
    `${what}: expected a ToolkitError, got ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`,
  );
  assert.ok((error as Error).message.length > 10, `${what}: an empty message`);
};

test('at least 20 damaged models give clear errors (or load, when the damage is harmless) in inspect, eval and both engines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-damaged-'));
  const cases = damaged();
  assert.ok(cases.length >= 20, `${cases.length} cases`);
  let rejected = 0;
  // the index edits break exactly the checker rule they are about
  const rule: Record<string, RegExp> = {
    'index-out-of-range': /\(sparse-indices-range\)/,
    'indices-unsorted': /\(sparse-indices-order\)/,
  };
  for (const [name, bytes] of cases) {
    const path = join(dir, `${name}.onnx`);
    writeFileSync(path, bytes);
    const inspect = await runCli(['inspect', path, '--json']);
    acceptable(`inspect ${name}`, inspect.error);
    if (inspect.error) rejected++;
    if (rule[name])
      assert.match(String((inspect.error as Error | null)?.message), rule[name]!, `${name} is rejected for its damage`);
    const evalRun = await runCli(['eval', path, '--episodes', '1', '--json']);
    acceptable(`eval ${name}`, evalRun.error);
    for (const engine of ['ort', 'sparse'] as const) {
      let error: unknown = null;
      try {
        const policy = await OnnxPolicy.create(path, { engine });
        await policy.act([0, 1, 2].map(() => new Float32Array(7)));
        await policy.close();
      } catch (e) {
        error = e;
      }
      acceptable(`${engine} ${name}`, error);
    }
  }
  assert.ok(rejected >= 15, `only ${rejected} of ${cases.length} damaged models were rejected by inspect`);
});

test('inspect, eval and import refuse a device, an oversized sparse declaration and absurd metadata with exit-1 errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-damaged-cli-'));
  const huge = validModel();
  huge.graph.sparseInitializer[0]!.dims = [46341, 46341];
  const hugePath = join(dir, 'huge.onnx');
  writeFileSync(hugePath, encodeModel(huge));
  const wide = validModel();
  wide.metadataProps.find((p) => p.key === 'mast.hidden')!.value = '5e8';
  const widePath = join(dir, 'wide.onnx');
  writeFileSync(widePath, encodeModel(wide));
  const cases: Array<[string[], RegExp]> = [
    [['inspect', '/dev/zero'], /\/dev\/zero is not a regular file/],
    [['eval', '/dev/zero', '--episodes', '1'], /\/dev\/zero is not a regular file/],
    [['inspect', hugePath], /\[46341,46341\] \(2147488281 elements\); the limit is 16777216/],
    [['import', hugePath, '--out', join(dir, 'run'), '--env', 'recall'], /the limit is 16777216/],
    [['eval', widePath, '--episodes', '1'], /'mast\.hidden' is '5e8', not an integer/],
  ];
  for (const [args, message] of cases) {
    const run = await runCli(args);
    assert.ok(run.error instanceof ToolkitError, `${args.join(' ')}: ${String(run.error)}`);
    assert.match((run.error as Error).message, message, args.join(' '));
  }
});
