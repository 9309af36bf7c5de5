/**
 * Commands load what they need when they run: `mast envs`, `mast eval` without `--against` and
 * `--help` must not load tfjs (about 4 s of start-up on a busy machine). A module-resolution hook, registered before `mast` starts,
 * refuses every `@tensorflow/*` import; a command that reaches tfjs then fails with the hook's error.
 * The same holds for the package entry `mast-toolkit/envs`, which deploying code imports for `makeEnv`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const BACKEND = new URL('../../src/marl/backend.js', import.meta.url).href;

const HOOKS = `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@tensorflow/')) throw new Error('tfjs was loaded: ' + specifier + ' from ' + context.parentURL);
  return next(specifier, context);
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;

/** Run node with the tfjs-refusing hook. */
function runWithoutTfjs(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the hook catches a tfjs import (the check below can fail)', () => {
  const r = runWithoutTfjs(['--input-type=module', '-e', `await import(${JSON.stringify(BACKEND)});`]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /tfjs was loaded: @tensorflow\/tfjs/);
});

test('mast envs runs without loading tfjs', () => {
  const r = runWithoutTfjs([MAIN, 'envs', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const envs = JSON.parse(r.stdout) as { id: string }[];
  assert.ok(
    envs.some((e) => e.id === 'matrix/nonmonotonic'),
    'lists the built-in environments',
  );
});

test('mast eval of a shipped model (no --against) runs without loading tfjs', () => {
  const model = fileURLToPath(new URL('../../../models/lbf_8x8-2p-2f-coop-mast-d0.05.onnx', import.meta.url));
  const r = runWithoutTfjs([MAIN, 'eval', model, '--episodes', '1', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { episodes: number; meanReturn: number };
  assert.equal(report.episodes, 1);
  assert.ok(Number.isFinite(report.meanReturn));
});

test("mast --help and every command's --help run without loading tfjs", () => {
  const top = runWithoutTfjs([MAIN, '--help']);
  assert.equal(top.status, 0, top.stderr);
  const names = [...top.stdout.matchAll(/^ {2}([a-z-]+)\b/gm)].map((m) => m[1] as string).filter((n) => n !== 'help');
  assert.ok(names.includes('train') && names.includes('envs'), `commands listed: ${names.join(', ')}`);
  for (const name of names) {
    const r = runWithoutTfjs([MAIN, name, '--help']);
    assert.equal(r.status, 0, `mast ${name} --help: ${r.stderr}`);
  }
});

test('the light entry mast-toolkit/envs (makeEnv and the environments) plays an episode without loading tfjs', () => {
  // resolved through the package's own `exports` (a package may import itself by name)
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const script = `const { makeEnv } = await import('mast-toolkit/envs');
    const env = makeEnv('lbf/8x8-2p-2f-coop');
    env.reset(3);
    let steps = 0;
    for (let done = false; !done; steps++) { const r = env.step(env.getAvailActions().map((m) => m.indexOf(1))); done = r.terminated || r.truncated; }
    console.log(steps);`;
  const r = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '--input-type=module', '-e', script],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Number(r.stdout) > 0, `steps: ${r.stdout}`);
});
