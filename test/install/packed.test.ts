/**
 * Installs that work, as a new user's: both packages are packed (`npm pack`, from the built tree) and
 * installed into a new app in a temporary folder with nothing but the npm registry and the local cache
 * (`--prefer-offline`): no .npmrc, and none of the calling npm's `npm_config_*` settings (the
 * repository's `onnxruntime-node-install=skip` included). Then a shipped agent (models/) plays an
 * episode from plain ESM, from CommonJS and from TypeScript (type-checked with `skipLibCheck: false`),
 * and the `mast` command runs from the installed toolkit.
 *
 * The runtime is installed first, alone: the app then holds no tfjs and no onnxruntime-node, and
 * `engine: 'ort'` is refused with E_DEPENDENCY because the package really is absent. Nothing here
 * needs the network beyond the npm registry (onnxruntime-node, whose install script downloads from
 * NuGet, is an optional peer dependency and is not installed). One to two minutes on a busy machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  lstatSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODEL = join(ROOT, 'models', 'lbf_8x8-2p-2f-coop-mast-d0.05.onnx');
const DEV = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
).devDependencies;
const dir = mkdtempSync(join(tmpdir(), 'mast-install-'));
const app = join(dir, 'app');
const tarballs = { runtime: '', toolkit: '' };

/** The environment without anything the calling npm passes down (`npm_config_*`, `npm_package_*`, ...). */
function plainEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

/** Run a command; its stdout, or an assertion failure with its output (tsc reports on stdout). */
function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, env: plainEnv(), encoding: 'utf8', timeout: 180_000, maxBuffer: 64 << 20 });
  assert.equal(
    r.status,
    0,
    `${cmd} ${args.join(' ')} (in ${cwd}) failed: ${r.error?.message ?? ''}\n${r.stdout}\n${r.stderr}`,
  );
  return r.stdout;
}

/** `npm install` into the app from the registry and the local cache. */
function install(...specs: string[]): void {
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], app);
}

/** Bytes under `path` (symbolic links not followed) and the packages in a node_modules folder. */
function sizeOf(path: string): number {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

/** Pack one package from the repository: the tarball's path and the files it holds. */
function pack(workspace: string[]): { file: string; files: string[] } {
  const out = JSON.parse(
    run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir, ...workspace], ROOT),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const [entry] = out;
  assert.ok(entry, 'npm pack reported a tarball');
  return { file: join(dir, entry.filename), files: entry.files.map((f) => f.path) };
}

/** One greedy episode of the shipped agent on its environment; the same text in ESM and TypeScript. */
const EPISODE = `
const policy = await OnnxPolicy.create(process.argv[2], { engine: 'sparse' });
const env = makeEnv(policy.metadata.env);
env.reset(7);
policy.reset();
let steps = 0;
let totalReward = 0;
for (let done = false; !done; steps++) {
  const result = env.step(await policy.act(env.getObs(), env.getAvailActions()));
  totalReward += result.reward;
  done = result.terminated || result.truncated;
}
await policy.close();
console.log(JSON.stringify({ steps, totalReward }));
`;

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('both packages pack only what users need (no tests, benches, CI files, sources or maps)', () => {
  const runtime = pack(['--workspace', 'packages/runtime']);
  const toolkit = pack([]);
  tarballs.runtime = runtime.file;
  tarballs.toolkit = toolkit.file;
  for (const f of runtime.files)
    assert.match(f, /^(package\.json|README\.md|dist\/.+\.(js|d\.ts|wasm))$/, `runtime tarball: ${f}`);
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/kernels/sparse-kernels.wasm', 'README.md'])
    assert.ok(runtime.files.includes(f), `runtime tarball lacks ${f}`);
  for (const f of toolkit.files)
    assert.match(
      f,
      /^(package\.json|README\.md|bin\/mast\.js|src\/envs\/bridge\/mast_env_bridge\.py|dist\/(src|cli)\/.+\.(js|d\.ts))$/,
      `toolkit tarball: ${f}`,
    );
  for (const f of ['bin/mast.js', 'dist/cli/main.js', 'dist/src/index.js', 'dist/src/envs/index.d.ts'])
    assert.ok(toolkit.files.includes(f), `toolkit tarball lacks ${f}`);
  // one source of truth: the toolkit ships no copy of what the runtime holds
  assert.ok(
    !toolkit.files.some((f) => /^dist\/src\/(runtime\/|onnx\/(schema|validate|read)\.|util\/errors\.)/.test(f)),
    'the toolkit tarball holds no runtime module',
  );
});

test('the runtime alone installs without tfjs or onnxruntime-node, runs the sparse engine, and refuses engine ort by name', (t) => {
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'mast-install-check', version: '1.0.0', private: true }),
  );
  install(tarballs.runtime);
  const modules = join(app, 'node_modules');
  for (const heavy of ['@tensorflow', 'onnxruntime-node', 'mast-toolkit'])
    assert.ok(!existsSync(join(modules, heavy)), `${heavy} was installed with the runtime`);
  t.diagnostic(
    `runtime install: ${(sizeOf(modules) / 1e6).toFixed(1)} MB of node_modules (${readdirSync(modules).join(', ')})`,
  );
  writeFileSync(
    join(app, 'runtime-only.mjs'),
    `import { OnnxPolicy, ToolkitError } from '@mast-toolkit/runtime';
const policy = await OnnxPolicy.create(process.argv[2], { engine: 'sparse' });
const { nAgents, nActions, inputLayout } = policy.metadata;
const actions = await policy.act(Array.from({ length: nAgents }, () => new Float32Array(inputLayout.obs)));
let refusal = null;
try { await OnnxPolicy.create(process.argv[2], { engine: 'ort' }); } catch (e) { refusal = { toolkit: e instanceof ToolkitError, code: e.code, message: e.message }; }
console.log(JSON.stringify({ nActions, actions, refusal }));
`,
  );
  const r = JSON.parse(run(process.execPath, ['runtime-only.mjs', MODEL], app)) as {
    nActions: number;
    actions: number[];
    refusal: { toolkit: boolean; code: string; message: string } | null;
  };
  assert.equal(r.actions.length, 2);
  assert.ok(
    r.actions.every((a) => Number.isInteger(a) && a >= 0 && a < r.nActions),
    `actions ${r.actions}`,
  );
  assert.deepEqual(r.refusal && [r.refusal.toolkit, r.refusal.code], [true, 'E_DEPENDENCY']);
  assert.match(r.refusal?.message ?? '', /onnxruntime-node/);
});

test('with the toolkit installed too, a shipped agent plays the same episode from ESM, CommonJS and TypeScript (skipLibCheck false)', () => {
  install(tarballs.toolkit, `typescript@${DEV['typescript']}`, `@types/node@${DEV['@types/node']}`);
  writeFileSync(
    join(app, 'episode.mjs'),
    `import { OnnxPolicy } from '@mast-toolkit/runtime';\nimport { makeEnv } from 'mast-toolkit/envs';\n${EPISODE}`,
  );
  // CommonJS: require() of the ES packages (Node ≥ 20.19 / 22.12), and the dynamic import() every Node 20 has
  writeFileSync(
    join(app, 'episode.cjs'),
    `const viaRequire = typeof process.features.require_module === 'boolean' && process.features.require_module ? require('@mast-toolkit/runtime') : null;
(async () => {
  const { OnnxPolicy } = await import('@mast-toolkit/runtime');
  const { makeEnv } = require('mast-toolkit/envs');
  if (viaRequire && viaRequire.OnnxPolicy !== OnnxPolicy) throw new Error('require() and import() gave two copies of the runtime');
${EPISODE.replace(/^/gm, '  ')}
})().catch((err) => { console.error(err); process.exitCode = 1; });
`,
  );
  writeFileSync(
    join(app, 'episode.mts'),
    `import { OnnxPolicy, type AgentModelMetadata } from '@mast-toolkit/runtime';
import { makeEnv, type MultiAgentEnv } from 'mast-toolkit/envs';
const check: (m: AgentModelMetadata, e: MultiAgentEnv) => number = (m, e) => m.nAgents + e.getEnvInfo().nAgents;
void check;
${EPISODE.replace('process.argv[2]', 'process.argv[2] as string')}`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false,
        outDir: 'out',
        types: ['node'],
      },
      files: ['episode.mts'],
    }),
  );
  run(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], app);
  const esm = JSON.parse(run(process.execPath, ['episode.mjs', MODEL], app)) as { steps: number; totalReward: number };
  const cjs = JSON.parse(run(process.execPath, ['episode.cjs', MODEL], app)) as typeof esm;
  const ts = JSON.parse(run(process.execPath, [join('out', 'episode.mjs'), MODEL], app)) as typeof esm;
  assert.ok(esm.steps > 0 && Number.isFinite(esm.totalReward), JSON.stringify(esm));
  assert.deepEqual(cjs, esm, 'CommonJS played the same episode');
  assert.deepEqual(ts, esm, 'TypeScript played the same episode');
});

test('the installed toolkit shares the runtime (one OnnxPolicy class) and its mast command evaluates a shipped agent', () => {
  const same = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const [a, b] = await Promise.all([import('mast-toolkit'), import('@mast-toolkit/runtime')]); console.log(a.OnnxPolicy === b.OnnxPolicy && a.ToolkitError === b.ToolkitError);`,
    ],
    app,
  );
  assert.equal(same.trim(), 'true');
  const report = JSON.parse(
    run(
      join(app, 'node_modules', '.bin', 'mast'),
      ['eval', MODEL, '--engine', 'sparse', '--episodes', '1', '--json'],
      app,
    ),
  ) as { episodes: number; meanReturn: number };
  assert.equal(report.episodes, 1);
  assert.ok(Number.isFinite(report.meanReturn));
});
