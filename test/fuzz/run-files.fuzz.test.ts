/**
 * Seeded fuzzing of everything a run directory and a study are made of — checkpoints, agent and
 * mixer snapshots, config.json, study files — and of bad command-line values. Each damaged input is
 * driven through the CLI in-process and must end as `cli/main.ts` would end it with exit 1 (a
 * `ToolkitError` with a code) or 2 (a usage error), or succeed when the damage left the file valid;
 * never exit 70 (an internal error), and never slowly. The seed is fixed, so a failure names its case
 * and reproduces; `FUZZ_SEED=n` explores others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { InterruptedError, ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { Rng } from '../../src/util/rng.js';
import { decodeTensorFile, encodeTensorFile } from '../../src/util/tensor-file.js';
import { runPaths } from '../../src/run/run-dir.js';
import { runCli } from '../cli/harness.js';
import { damageBytes, damageJson, oddArg, type Damaged } from './run-files-mutate.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);

/** Slowest a single case may be (a damaged file is refused at once; a harmless one trains ≤ 8 steps). */
const CASE_MS = 5000;

/** Resident memory the whole suite may reach (a damaged size field must not allocate gigabytes). */
const RSS_LIMIT = 1.5 * 2 ** 30;

/** The exit code `cli/main.ts` gives an error (null: success). */
function exitCode(error: unknown): number {
  if (error === null) return 0;
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof InterruptedError) return 130;
  if (error instanceof ToolkitError) return 1;
  if (error instanceof RangeError || error instanceof TypeError) return 2;
  return 70;
}

interface Outcome {
  code: number;
  error: unknown;
  ms: number;
}

async function run(args: string[]): Promise<Outcome> {
  const started = performance.now();
  const { error } = await runCli(args);
  return { code: exitCode(error), error, ms: performance.now() - started };
}

/** Assert one case ended well: a `ToolkitError` (exit 1), or success when `mayPass`, in bounded time. */
function check(o: Outcome, what: string, mayPass: boolean, counts: Record<string, number>): void {
  const detail = `${what}: ${o.error instanceof Error ? (o.error.stack ?? o.error.message) : String(o.error)}`;
  assert.ok(o.code === 1 || (mayPass && o.code === 0), `exit ${o.code}; ${detail}`);
  if (o.code === 1) assert.ok((o.error as ToolkitError).code.startsWith('E_'), detail);
  assert.ok(o.ms < CASE_MS, `${Math.round(o.ms)} ms; ${detail}`);
  const key = o.code === 0 ? 'passed' : (o.error as ToolkitError).code;
  counts[key] = (counts[key] ?? 0) + 1;
}

/** A trained 8-step run whose files are restored after every case. */
async function makeRun(root: string): Promise<{ dir: string; restore: () => void; files: Record<string, Buffer> }> {
  const dir = join(root, 'run');
  const trained = await runCli(['train', '--out', dir, '--steps', '8', '--seed', '7']);
  assert.equal(trained.error, null, String(trained.error));
  const files = Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n))]));
  const restore = (): void => {
    for (const n of readdirSync(dir)) if (!(n in files)) rmSync(join(dir, n), { recursive: true, force: true });
    for (const [n, b] of Object.entries(files)) writeFileSync(join(dir, n), b);
  };
  return { dir, restore, files };
}

/** A tensor file with its JSON metadata damaged and a valid CRC (what a buggy writer could produce). */
function damageTensorMeta(bytes: Buffer, rng: Rng): Damaged {
  const { meta, arrays } = decodeTensorFile(bytes, 'pristine');
  const { value, what } = damageJson(meta, rng, rng.int(4) === 0 ? undefined : 'config'); // mostly the structure, not the config inside
  return { bytes: Buffer.from(encodeTensorFile(value, arrays)), what: `metadata: ${what}` };
}

test('damaged run files (checkpoint, snapshots, config.json) end in a ToolkitError, never an internal error', async (t) => {
  const rng = new Rng(SEED);
  const root = mkdtempSync(join(tmpdir(), 'mast-fuzz-run-'));
  const { dir, restore, files } = await makeRun(root);
  const paths = runPaths(dir);
  const resume = ['train', '--out', dir, '--resume', '--steps', '8'];
  const exportRun = (mixer: boolean): string[] => [
    'export',
    dir,
    '-o',
    join(root, 'x.onnx'),
    ...(mixer ? ['--with-mixer'] : []),
  ];
  const counts: Record<string, number> = {};
  const plan: [string, number, (r: Rng) => Damaged, string[], boolean][] = [
    // file, cases, damage, command, whether a case may succeed (damage that leaves the file valid)
    ['checkpoint.mast', 70, (r) => damageBytes(files['checkpoint.mast']!, r), resume, false],
    ['checkpoint.mast', 40, (r) => damageTensorMeta(files['checkpoint.mast']!, r), resume, true],
    ['agent.snapshot', 40, (r) => damageBytes(files['agent.snapshot']!, r), exportRun(false), false],
    ['agent.snapshot', 30, (r) => damageTensorMeta(files['agent.snapshot']!, r), exportRun(false), true],
    ['mixer.snapshot', 30, (r) => damageBytes(files['mixer.snapshot']!, r), exportRun(true), false],
    ['mixer.snapshot', 20, (r) => damageTensorMeta(files['mixer.snapshot']!, r), exportRun(true), true],
    ['config.json', 30, (r) => damageBytes(files['config.json']!, r), resume, true],
    [
      'config.json',
      40,
      (r) => {
        const { value, what } = damageJson(JSON.parse(files['config.json']!.toString('utf8')), r);
        return { bytes: Buffer.from(JSON.stringify(value)), what };
      },
      resume,
      true,
    ],
  ];
  for (const [file, n, damage, args, mayPass] of plan) {
    for (let i = 0; i < n; i++) {
      const d = damage(rng);
      writeFileSync(join(dir, file), d.bytes);
      check(await run(args), `${file} case ${i} (${d.what})`, mayPass, counts);
      restore();
    }
  }
  t.diagnostic(`outcomes: ${JSON.stringify(counts)}; rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
  assert.ok(process.memoryUsage().rss < RSS_LIMIT, `memory stays bounded: rss ${process.memoryUsage().rss} bytes`);
  assert.ok(Object.values(counts).reduce((a, b) => a + b, 0) >= 300);
  assert.ok((counts.E_CHECKPOINT ?? 0) >= 100, JSON.stringify(counts)); // byte damage is caught by the CRCs
  assert.ok(readFileSync(paths.checkpoint).equals(files['checkpoint.mast']!));
});

test('damaged study files and bad command-line values end in a ToolkitError or a usage error', async (t) => {
  const rng = new Rng(SEED + 1);
  const root = mkdtempSync(join(tmpdir(), 'mast-fuzz-cli-'));
  const { dir } = await makeRun(root);
  const model = join(root, 'a.onnx');
  assert.equal((await runCli(['export', dir, '-o', model])).error, null);
  const studyFile = join(root, 'study.json');
  const study = {
    dir: join(root, 'study'),
    preset: 'demo',
    steps: 100,
    seeds: [1, 2],
    envs: ['recall'],
    modes: ['dense', 'static'],
    densities: [0.1],
    overrides: { schedule: { testInterval: 50 } },
    envOverrides: { recall: { steps: 50 } },
    finalTests: 1,
  };
  const studyText = Buffer.from(JSON.stringify(study, null, 2));
  const counts: Record<string, number> = {};
  for (let i = 0; i < 100; i++) {
    const d =
      i < 40
        ? damageBytes(studyText, rng)
        : (({ value, what }) => ({ bytes: Buffer.from(JSON.stringify(value)), what }))(damageJson(study, rng));
    writeFileSync(studyFile, d.bytes);
    check(await run(['study', studyFile, '--list']), `study case ${i} (${d.what})`, true, counts);
  }
  writeFileSync(studyFile, studyText);

  // each command with one odd value; a last option no run accepts keeps a plausible value from starting work
  const fresh = (): string => join(mkdtempSync(join(root, 'out-')), 'r');
  const commands: ((v: string) => string[])[] = [
    (v) => [
      'train',
      '--out',
      fresh(),
      ['--steps', '--seed', '--density', '--sparsity', '--alg', '--distribution', '--preset', '--backend'][rng.int(8)]!,
      v,
      '--env',
      'no-such-env',
    ],
    (v) => [
      'train',
      '--out',
      fresh(),
      '--config',
      join(root, v.replace(/[/\0]/g, '_') || 'empty'),
      '--env',
      'no-such-env',
    ],
    (v) => [
      'study',
      studyFile,
      '--list',
      ['--jobs', '--densities', '--seeds', '--envs', '--algs', '--backend'][rng.int(6)]!,
      v,
      '--modes',
      'no-such-mode',
    ],
    (v) => ['export', dir, '-o', join(fresh(), 'x.onnx'), ['--format', '--sparse-as'][rng.int(2)]!, v],
    (v) => ['eval', model, ['--episodes', '--engine', '--seed'][rng.int(3)]!, v, '--env', 'no-such-env'],
    (v) => ['compress', dir, '--out', fresh(), '--density', v, '--steps', oddArg(rng)],
    (v) => [
      'demo',
      '--out',
      fresh(),
      ['--steps', '--seed', '--episodes'][rng.int(3)]!,
      v,
      '--backend',
      'no-such-backend',
    ],
    (v) => ['import', model, '--out', dir, '--env', v],
    (v) => ['train', '--out', v === '' ? dir : join(dir, 'checkpoint.mast', v.replace(/[/\0]/g, '_')), '--steps', '8'],
  ];
  for (let i = 0; i < 120; i++) {
    const args = commands[i % commands.length]!(oddArg(rng));
    const o = await run(args);
    const detail = `${args.join(' ')}: ${o.error instanceof Error ? (o.error.stack ?? o.error.message) : String(o.error)}`;
    assert.ok(o.code === 1 || o.code === 2, `exit ${o.code}; ${detail}`);
    if (o.code === 2)
      assert.ok(o.error instanceof CommanderError, `a usage error comes from the option parsers: ${detail}`);
    assert.ok(o.ms < CASE_MS, `${Math.round(o.ms)} ms; ${detail}`);
    const key = o.code === 2 ? 'usage' : (o.error as ToolkitError).code;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  t.diagnostic(`outcomes: ${JSON.stringify(counts)}; rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
  assert.ok(process.memoryUsage().rss < RSS_LIMIT, `memory stays bounded: rss ${process.memoryUsage().rss} bytes`);
  assert.ok(
    (counts.usage ?? 0) > 20 && (counts.E_CONFIG ?? 0) + (counts.E_UNKNOWN_NAME ?? 0) > 10,
    JSON.stringify(counts),
  );
});
