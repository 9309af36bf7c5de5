/**
 * onnxruntime-node is an optional peer dependency of `@mast-toolkit/runtime`: importing the runtime
 * never loads it, the sparse engine runs without it, and `engine: 'ort'` without it is a ToolkitError
 * (`E_DEPENDENCY`) naming the package and the command that installs it. Its absence is simulated by a
 * module-resolution hook, registered before the runtime is imported, that answers every
 * `onnxruntime-node` import as Node answers a package that is not installed (the packed-install
 * test, test/install/, checks the same in an app where it really is absent).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ortLoadError } from '@mast-toolkit/runtime/internal/runtime/load-ort';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODEL = fileURLToPath(new URL('../../../models/lbf_8x8-2p-2f-coop-mast-d0.05.onnx', import.meta.url));

const HOOKS = `export async function resolve(specifier, context, next) {
  if (specifier === 'onnxruntime-node' || specifier.startsWith('onnxruntime-node/')) {
    throw Object.assign(new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL), { code: 'ERR_MODULE_NOT_FOUND' });
  }
  return next(specifier, context);
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;

/** Run an ES module script in the repository with onnxruntime-node made unresolvable; its stdout parsed as JSON. */
function withoutOrt(script: string): { status: number | null; out: unknown; stderr: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '--input-type=module', '-e', script],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  let out: unknown = null;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    // reported by the assertions on status and stderr
  }
  return { status: r.status, out, stderr: r.stderr };
}

test('the hook hides onnxruntime-node (the checks below can fail)', () => {
  const r = withoutOrt(
    `try { await import('onnxruntime-node'); console.log('"loaded"'); } catch (e) { console.log(JSON.stringify(e.code)); }`,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.out, 'ERR_MODULE_NOT_FOUND');
});

test('without onnxruntime-node the runtime imports, the sparse engine acts, auto keeps it, and engine ort is E_DEPENDENCY naming the package', () => {
  const r = withoutOrt(`
    const { OnnxPolicy, ToolkitError } = await import('@mast-toolkit/runtime');
    const policy = await OnnxPolicy.create(${JSON.stringify(MODEL)}, { engine: 'sparse' });
    const { nAgents, inputLayout } = policy.metadata;
    const actions = await policy.act(Array.from({ length: nAgents }, () => new Float32Array(inputLayout.obs)));
    const auto = await OnnxPolicy.create(${JSON.stringify(MODEL)}, { engine: 'auto' });
    const autoChoice = { engine: auto.engine, times: auto.engineTimes };
    let refusal = null;
    try {
      await OnnxPolicy.create(${JSON.stringify(MODEL)}, { engine: 'ort' });
    } catch (e) {
      refusal = { toolkit: e instanceof ToolkitError, code: e.code, message: e.message, hint: e.hint };
    }
    console.log(JSON.stringify({ actions, refusal, autoChoice }));`);
  assert.equal(r.status, 0, r.stderr);
  const { actions, refusal, autoChoice } = r.out as {
    autoChoice: { engine: string; times: unknown };
    actions: number[];
    refusal: { toolkit: boolean; code: string; message: string; hint: string } | null;
  };
  assert.equal(actions.length, 2);
  assert.ok(
    actions.every((a) => Number.isInteger(a) && a >= 0 && a < 6),
    `actions ${actions}`,
  );
  assert.deepEqual(
    autoChoice,
    { engine: 'sparse', times: null },
    'auto without onnxruntime-node: the sparse engine, untimed',
  );
  assert.ok(refusal, 'engine ort was refused');
  assert.equal(refusal.toolkit, true);
  assert.equal(refusal.code, 'E_DEPENDENCY');
  assert.match(refusal.message, /engine 'ort' needs the package onnxruntime-node, which is not installed/);
  assert.match(refusal.hint, /npm install onnxruntime-node/);
  assert.match(refusal.hint, /engine: 'sparse'/);
});

test('an onnxruntime-node that is installed but fails to load is E_DEPENDENCY with the loader\'s reason, not "not installed"', () => {
  // a module missing inside the package (a broken install) is not the package missing
  const inner = Object.assign(
    new Error("Cannot find module '/x/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node'"),
    { code: 'MODULE_NOT_FOUND' },
  );
  const err = ortLoadError(inner);
  assert.equal(err.code, 'E_DEPENDENCY');
  assert.match(err.message, /installed but does not load here: Cannot find module/);
  assert.equal(err.cause, inner);
  const missing = ortLoadError(
    Object.assign(new Error("Cannot find package 'onnxruntime-node' imported from /app/x.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    }),
  );
  assert.match(missing.message, /which is not installed/);
});

test('mast demo without onnxruntime-node stops before training, with E_DEPENDENCY (not after it)', () => {
  const out = mkdtempSync(join(tmpdir(), 'mast-demo-no-ort-'));
  try {
    const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(REGISTER)}`,
        main,
        'demo',
        '--out',
        join(out, 'run'),
        '--steps',
        '200',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /engine 'ort' needs the package onnxruntime-node/);
    assert.ok(!existsSync(join(out, 'run', 'checkpoint.mast')), 'nothing was trained');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
