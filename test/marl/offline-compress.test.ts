/**
 * Offline compression: recorded-episodes files (round trip, and every kind of damage refused), the
 * recorder (same seed, same episodes), and distillation (an agent pruned to 10% agrees with its
 * dense teacher on held-out episodes; same seed, same student), end to end through the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeEnv } from '../../src/envs/registry.js';
import { recordEpisodes } from '../../src/marl/compress/record.js';
import {
  DataError,
  readEpisodesFile,
  writeEpisodesFile,
  type RecordedEpisodes,
} from '../../src/marl/compress/episodes-file.js';
import { distillAgent } from '../../src/marl/compress/distill.js';
import { DEFAULT_CONFIG } from '../../src/config/index.js';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { importAgent } from '../../src/onnx/import-agent.js';
import { readSnapshot } from '../../src/snapshot/io.js';
import { MASKED_AGENT_TENSORS, type AgentSnapshot } from '@mast-toolkit/runtime/internal/snapshot/types';
import { encodeTensorFile, decodeTensorFile } from '../../src/util/tensor-file.js';
import { CheckpointError, ConfigError, ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { runCli } from '../cli/harness.js';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const teacherPath = join(MODELS, 'recall-dense.onnx');
const teacher: AgentSnapshot = importAgent(readOnnxFile(teacherPath).model, { what: teacherPath });
const tmp = (): string => mkdtempSync(join(tmpdir(), 'mast-offline-'));

async function record(episodes: number, seed: number, epsilon = 0.2): Promise<RecordedEpisodes> {
  const env = makeEnv('recall');
  const r = await recordEpisodes(teacher, env, { episodes, epsilon, seed });
  return {
    meta: { format: 'mast-episodes', version: 1, env: env.id, info: env.getEnvInfo(), agent: null, epsilon, seed },
    episodes: r.episodes,
  };
}

test('recorded episodes: the same seed records the same episodes, and a file reads back exactly what was written', async () => {
  const a = await record(20, 7);
  const b = await record(20, 7);
  const c = await record(20, 8);
  assert.deepEqual(a.episodes, b.episodes);
  assert.notDeepEqual(a.episodes, c.episodes);
  const path = join(tmp(), 'ep.mast');
  writeEpisodesFile(path, a);
  const back = readEpisodesFile(path);
  assert.deepEqual(back.meta, a.meta);
  assert.deepEqual(back.episodes, a.episodes);
});

test('recorded episodes: a file cut short, damaged, written for other sizes or with impossible actions is a DataError naming the problem', async () => {
  const data = await record(5, 1);
  const dir = tmp();
  const good = join(dir, 'good.mast');
  writeEpisodesFile(good, data);
  const bytes = readFileSync(good);
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['cut short', bytes.subarray(0, bytes.length - 100), /cannot read recorded episodes/],
    [
      'one byte flipped in the payload',
      Uint8Array.from(bytes, (v, i) => (i === bytes.length - 3 ? v ^ 0xff : v)),
      /cannot read recorded episodes/,
    ],
    ['not a tensor file', new TextEncoder().encode('{"episodes": []}'), /cannot read recorded episodes/],
  ];
  const { meta, arrays } = decodeTensorFile(new Uint8Array(bytes), 'good');
  const rewrite = (m: unknown, mutate: (a: typeof arrays) => void = () => {}): Uint8Array => {
    const copy = structuredClone(arrays);
    mutate(copy);
    return encodeTensorFile(m, copy);
  };
  const m = meta as RecordedEpisodes['meta'];
  cases.push(['another format', rewrite({ ...m, format: 'mast-agent-snapshot' }), /not a recorded-episodes file/]);
  cases.push([
    'sizes of another environment',
    rewrite({ ...m, info: { ...m.info, obsShape: m.info.obsShape + 1 } }),
    /array 'obs' has shape/,
  ]);
  cases.push([
    'an episode longer than the limit',
    rewrite(m, (a) => ((a.lengths!.data as Int32Array)[0] = 99)),
    /outside \[1, /,
  ]);
  cases.push([
    'a taken action that was unavailable',
    rewrite(m, (a) => {
      const avail = a.avail!.data as Uint8Array;
      const act = (a.actions!.data as Int32Array)[0]!;
      avail[act] = 0; // step 0, agent 0
    }),
    /took action \d+, which was not available/,
  ]);
  cases.push(['a NaN observation', rewrite(m, (a) => ((a.obs!.data as Float32Array)[3] = NaN)), /obs holds NaN/]);
  for (const [what, damaged, message] of cases) {
    const path = join(dir, `${what.replace(/\W+/g, '-')}.mast`);
    writeFileSync(path, damaged);
    assert.throws(
      () => readEpisodesFile(path),
      (e: unknown) => e instanceof DataError && message.test((e as Error).message),
      what,
    );
  }
});

test('distillation: pruned to 10% of the weights, the student agrees with its dense teacher on ≥ 97% of held-out decisions; same seed, same student', async () => {
  const data = await record(200, 3);
  const options = {
    density: 0.1,
    distribution: 'erk' as const,
    updates: 400,
    batchSize: 32,
    pruneEnd: 0.5,
    pruneInterval: 5,
    heldOut: 0.25,
    policyWeight: 1,
    temperature: 0.05,
    optimizer: { ...DEFAULT_CONFIG.optimizer, name: 'adam' as const, lr: 1e-3 },
    seed: 5,
  };
  const { student, report } = await distillAgent(teacher, data.episodes, data.meta.info, options);
  assert.ok(report.heldOut !== null && report.heldOut.episodes === 50);
  assert.ok(report.heldOut.actionAgreement >= 0.97, `held-out agreement ${report.heldOut.actionAgreement}`);
  assert.equal(report.startDensity, 1);
  assert.ok(Math.abs(report.density - 0.1) < 0.005, `density ${report.density}`);
  let kept = 0;
  let total = 0;
  for (const name of MASKED_AGENT_TENSORS) {
    const t = student.tensors[name];
    assert.ok(t.mask, `${name} has a mask`);
    t.mask.forEach(
      (m, i) => m === 0 && assert.ok(t.values[i] === 0, `${name}[${i}] is pruned but holds ${t.values[i]}`),
    ); // ±0
    kept += t.mask.reduce((x, y) => x + y, 0);
    total += t.mask.length;
  }
  assert.ok(Math.abs(kept / total - 0.1) < 0.005);
  assert.ok(report.curve.at(-1)!.loss < report.curve[0]!.loss * 10, 'the loss does not blow up');

  const short = { ...options, updates: 30 };
  const once = await distillAgent(teacher, data.episodes, data.meta.info, short);
  const twice = await distillAgent(teacher, data.episodes, data.meta.info, short);
  for (const name of MASKED_AGENT_TENSORS)
    assert.deepEqual(once.student.tensors[name].values, twice.student.tensors[name].values, name);

  // the cosine schedule lowers the rate after pruning (update 16 on): a different student, the same one up to there
  const cosine = await distillAgent(teacher, data.episodes, data.meta.info, { ...short, lrSchedule: 'cosine' });
  assert.ok(
    MASKED_AGENT_TENSORS.some(
      (name) => !once.student.tensors[name].values.every((v, i) => v === cosine.student.tensors[name].values[i]),
    ),
    'lrSchedule cosine changes the student',
  );
  const pruneOnly = { ...short, updates: 15, pruneEnd: 1 };
  const constantUntilPruned = await distillAgent(teacher, data.episodes, data.meta.info, pruneOnly);
  const cosineUntilPruned = await distillAgent(teacher, data.episodes, data.meta.info, {
    ...pruneOnly,
    lrSchedule: 'cosine',
  });
  for (const name of MASKED_AGENT_TENSORS)
    assert.deepEqual(constantUntilPruned.student.tensors[name].values, cosineUntilPruned.student.tensors[name].values);
  await assert.rejects(
    distillAgent(teacher, data.episodes, data.meta.info, { ...short, lrSchedule: 'linear' as 'cosine' }),
    (e: unknown) => e instanceof RangeError && /lrSchedule must be one of constant, cosine, got linear/.test(String(e)),
  );
});

test('mast record + mast compress --data: a sparse ONNX agent, a report with held-out agreement, FLOPs and provenance; data of another environment is refused', async () => {
  const dir = tmp();
  const episodes = join(dir, 'ep.mast');
  const recordArgs = ['record', teacherPath, '--out', episodes, '--episodes', '120', '--epsilon', '0.2', '--seed', '2'];
  const rec = await runCli(recordArgs);
  assert.equal(rec.error, null, String(rec.error));
  assert.match(rec.out, /wrote .*ep\.mast: 120 episodes of recall/);
  const out = join(dir, 'compressed');
  const run = await runCli([
    'compress',
    teacherPath,
    '--data',
    episodes,
    '--density',
    '0.1',
    '--updates',
    '300',
    '--out',
    out,
    '--json',
  ]);
  assert.equal(run.error, null, String(run.error));
  const report = JSON.parse(run.out);
  assert.equal(report.method, 'offline-distillation');
  assert.ok(
    existsSync(join(out, 'agent.onnx')) &&
      existsSync(join(out, 'agent.snapshot')) &&
      existsSync(join(out, 'compress-report.json')),
  );
  assert.equal(report.source.sha256.length, 64);
  assert.equal(report.data.episodes, 120);
  assert.ok(
    report.distill.heldOut.actionAgreement >= 0.9,
    `held-out agreement ${report.distill.heldOut.actionAgreement}`,
  );
  assert.ok(report.flopsPerDecision.ratio < 0.2 && report.flopsPerDecision.compressed < report.flopsPerDecision.source);
  const ev = await runCli(['eval', join(out, 'agent.onnx'), '--episodes', '20', '--json']);
  assert.equal(ev.error, null, String(ev.error));
  assert.ok(Math.abs(JSON.parse(ev.out).density - 0.1) < 0.01);
  const log = readFileSync(join(out, 'console.log'), 'utf8');
  assert.match(
    log,
    /^=== \S+ {2}mast compress .* --data .* {2}\(new run: offline compression\)\n/,
    'console.log: a header naming the command',
  );
  assert.ok(log.endsWith(run.out), 'then what it printed');

  const before = readFileSync(episodes);
  const overwrite = await runCli(['record', teacherPath, '--out', episodes, '--episodes', '3']);
  assert.ok(
    overwrite.error instanceof ToolkitError &&
      overwrite.error.code === 'E_IO' &&
      /already exists/.test(overwrite.error.message),
    String(overwrite.error),
  );
  assert.ok(readFileSync(episodes).equals(before), 'the recorded episodes are untouched');
  assert.equal((await runCli([...recordArgs, '--force'])).error, null);
  assert.ok(readFileSync(episodes).equals(before), '--force replaces it (here with the same episodes: same seed)');
  const again = await runCli([
    'compress',
    teacherPath,
    '--data',
    episodes,
    '--density',
    '0.1',
    '--updates',
    '5',
    '--out',
    out,
  ]);
  assert.ok(
    again.error instanceof CheckpointError && /already holds an agent/.test((again.error as Error).message),
    `a second compression onto ${out} is refused: ${String(again.error)}`,
  );

  const other = join(dir, 'lbf.mast');
  const lbf = makeEnv('lbf/8x8-2p-2f-coop');
  writeEpisodesFile(other, {
    meta: {
      format: 'mast-episodes',
      version: 1,
      env: lbf.id,
      info: lbf.getEnvInfo(),
      agent: null,
      epsilon: 0,
      seed: 0,
    },
    episodes: (
      await recordEpisodes(importAgent(readOnnxFile(join(MODELS, 'lbf_8x8-2p-2f-coop-dense.onnx')).model), lbf, {
        episodes: 2,
        epsilon: 0,
        seed: 0,
      })
    ).episodes,
  });
  const refused = await runCli(['compress', teacherPath, '--data', other, '--density', '0.1', '--out', join(dir, 'x')]);
  assert.ok(
    refused.error instanceof ConfigError &&
      /was recorded on lbf\/8x8-2p-2f-coop/.test((refused.error as Error).message),
    String(refused.error),
  );
});

test('both compressions record their provenance in the agent, the exported model and back through import; a damaged one is refused', async () => {
  const dir = tmp();
  const run = join(dir, 'run');
  assert.equal(
    (
      await runCli([
        'train',
        '--env',
        'recall',
        '--preset',
        'demo',
        '--sparsity',
        'dense',
        '--density',
        '1',
        '--steps',
        '200',
        '--out',
        run,
      ])
    ).error,
    null,
  );
  const online = join(dir, 'online');
  const compressed = await runCli(['compress', run, '--density', '0.1', '--steps', '100', '--out', online, '--json']);
  assert.equal(compressed.error, null, String(compressed.error));
  const onlineReport = JSON.parse(compressed.out) as {
    flopsPerDecision: { ratio: number };
    agentDensity: number;
    source: { return: number };
  };
  assert.ok(onlineReport.flopsPerDecision.ratio < 0.5 && onlineReport.agentDensity < 0.5);
  const onlineMeta = readSnapshot(join(online, 'agent.snapshot')).metadata.provenance!;
  assert.equal(onlineMeta.method, 'online-mast');
  assert.equal(onlineMeta.source.path, join(run, 'agent.snapshot'));
  assert.equal(
    onlineMeta.source.sha256,
    createHash('sha256')
      .update(readFileSync(join(run, 'agent.snapshot')))
      .digest('hex'),
  );
  assert.equal(onlineMeta.source.return, onlineReport.source.return);
  assert.equal(onlineMeta.steps, 100);

  const episodes = join(dir, 'ep.mast');
  assert.equal((await runCli(['record', run, '--out', episodes, '--episodes', '30'])).error, null);
  const offline = join(dir, 'offline');
  assert.equal(
    (await runCli(['compress', run, '--data', episodes, '--density', '0.1', '--updates', '20', '--out', offline]))
      .error,
    null,
  );
  const model = readOnnxFile(join(offline, 'agent.onnx')).model;
  const fromModel = importAgent(model).metadata.provenance!;
  assert.deepEqual(fromModel, readSnapshot(join(offline, 'agent.snapshot')).metadata.provenance);
  assert.equal(fromModel.method, 'offline-distillation');
  assert.deepEqual([fromModel.data?.path, fromModel.data?.episodes, fromModel.steps], [episodes, 30, 20]);
  assert.equal(fromModel.data?.sha256, createHash('sha256').update(readFileSync(episodes)).digest('hex'));

  const entry = model.metadataProps.find((p) => p.key === 'mast.provenance')!;
  entry.value = JSON.stringify({ ...fromModel, method: 'guesswork' });
  assert.throws(
    () => importAgent(model, { what: 'damaged.onnx' }),
    (e: unknown) =>
      e instanceof ToolkitError &&
      e.code === 'E_ONNX_LOAD' &&
      /malformed mast\.provenance \(method must be/.test((e as Error).message),
  );
});
