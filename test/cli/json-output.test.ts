/**
 * Every command's `--json` output against its documented schema (cli/json-schemas.ts), run for real;
 * and docs/cli-json.md against the schemas: a section per command naming every key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './harness.js';
import { JSON_SCHEMAS } from '../../cli/json-schemas.js';
import { checkShape, type Shape } from '../../src/util/json-shape.js';

type Name = keyof typeof JSON_SCHEMAS;
const repo = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** Run `mast args` and hold its stdout, one JSON value, to the schema `name`. */
async function checkJson(name: Name, args: string[]): Promise<unknown> {
  const run = await runCli(args);
  assert.equal(run.error, null, `${args.join(' ')}: ${String(run.error)}`);
  const lines = run.out.trim().split('\n');
  assert.equal(lines.length, 1, `${name}: one line of JSON on stdout, got ${lines.length}`);
  const value = JSON.parse(lines[0]!) as unknown;
  assert.deepEqual(checkShape(value, JSON_SCHEMAS[name]), [], `${name}: output departs from the documented schema`);
  return value;
}

test('the shape checker finds missing, extra and mistyped keys', () => {
  const shape: Shape = {
    object: { a: 'integer', b: { anyOf: ['string', 'null'] }, c: { arrayOf: 'number' } },
    optional: ['c'],
  };
  assert.deepEqual(checkShape({ a: 1, b: null }, shape), []);
  assert.deepEqual(checkShape({ a: 1.5, b: 'x', c: [1, 'y'], d: 0 }, shape), [
    "$: undocumented key 'd'",
    '$.a: expected integer, got 1.5',
    '$.c[1]: expected number, got "y"',
  ]);
  assert.deepEqual(checkShape({ b: 'x' }, shape), ["$: missing key 'a'"]);
});

test("every command's --json output fits its documented schema", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-json-'));
  const run = join(dir, 'run');
  await checkJson('envs', ['envs', '--json']);
  await checkJson('train', [
    'train',
    '--env',
    'recall',
    '--steps',
    '80',
    '--sparsity',
    'static',
    '--density',
    '0.1',
    '--out',
    run,
    '--json',
  ]);
  await checkJson('compress', [
    'compress',
    run,
    '--density',
    '0.05',
    '--steps',
    '40',
    '--out',
    join(dir, 'compressed'),
    '--json',
  ]);
  const model = join(dir, 'agent.onnx');
  assert.equal((await runCli(['export', run, '-o', model])).error, null);
  await checkJson('inspect', ['inspect', model, '--json']);
  const episodes = join(dir, 'episodes.mast');
  await checkJson('record', ['record', model, '--out', episodes, '--episodes', '20', '--json']);
  await checkJson('compress --data', [
    'compress',
    model,
    '--data',
    episodes,
    '--density',
    '0.05',
    '--updates',
    '20',
    '--out',
    join(dir, 'offline'),
    '--json',
  ]);
  await checkJson('eval', ['eval', model, '--episodes', '2', '--json']);
  const auto = (await checkJson('eval', ['eval', model, '--episodes', '2', '--engine', 'auto', '--json'])) as {
    engine: string;
    engineTimes: { ort: number; sparse: number } | null;
  };
  assert.ok(auto.engineTimes, 'auto timed both engines');
  assert.equal(auto.engine, auto.engineTimes.ort < auto.engineTimes.sparse ? 'ort' : 'sparse');
  const withParity = (await checkJson('eval', ['eval', model, '--episodes', '2', '--against', run, '--json'])) as {
    parity?: unknown;
  };
  assert.ok(withParity.parity, 'parity with --against');
  await checkJson('import', ['import', model, '--out', join(dir, 'imported'), '--json']);
  await checkJson('import', [
    'import',
    repo('test/fixtures/pymarl-agent-gru.onnx'),
    '--env',
    'recall',
    '--out',
    join(dir, 'pymarl'),
    '--json',
  ]);

  const study = join(dir, 'study.json');
  writeFileSync(
    study,
    JSON.stringify({ dir: 'runs', preset: 'demo', steps: 40, seeds: [1], envs: ['recall'], modes: ['dense'] }),
  );
  const before = (await checkJson('study --list', ['study', study, '--list', '--json'])) as {
    counts: Record<string, number>;
  };
  assert.equal(before.counts['not started'], 1);
  const trained = (await checkJson('study', ['study', study, '--json'])) as { trainedNow: number; left: number };
  assert.deepEqual([trained.trainedNow, trained.left], [1, 0]);
  await checkJson('report', ['report', study, '--json']);
  const archived = (await checkJson('study --archive', ['study', study, '--archive', join(dir, 'kept'), '--json'])) as {
    archived: string[];
  };
  assert.equal(archived.archived.length, 1);
  const other = join(dir, 'other.json');
  writeFileSync(
    other,
    JSON.stringify({
      dir: 'runs',
      preset: 'demo',
      steps: 40,
      seeds: [1],
      envs: ['recall'],
      modes: ['dense', 'static'],
      densities: [0.1],
    }),
  );
  assert.equal((await runCli(['study', other, '--modes', 'static'])).error, null);
  await checkJson('report (several studies)', ['report', study, other, '--json']);
});

/** Every key an object shape names, at any depth (record keys are data, not names). */
function keysOf(shape: Shape): string[] {
  if (typeof shape === 'string') return [];
  if ('anyOf' in shape) return shape.anyOf.flatMap(keysOf);
  if ('arrayOf' in shape) return keysOf(shape.arrayOf);
  if ('tuple' in shape) return shape.tuple.flatMap(keysOf);
  if ('record' in shape) return keysOf(shape.record);
  return Object.entries(shape.object).flatMap(([k, s]) => [k, ...keysOf(s)]);
}

test('docs/cli-json.md has a section per command naming every key of its schema', () => {
  const doc = readFileSync(repo('docs/cli-json.md'), 'utf8');
  const sections = new Map(
    doc
      .split(/^## /m)
      .slice(1)
      .map((s) => [/^`([^`]+)`/.exec(s)?.[1] ?? '', s]),
  );
  for (const [name, shape] of Object.entries(JSON_SCHEMAS)) {
    const text = (sections.get(name) ?? '') + (name === 'demo' ? (sections.get('eval') ?? '') : '');
    assert.ok(sections.has(name), `a section for ${name}`);
    for (const key of new Set(keysOf(shape)))
      assert.ok(text.includes(`\`${key}\``), `${name}: the doc names \`${key}\``);
  }
});
