#!/usr/bin/env node
// What deploying with @mast-toolkit/runtime costs an app: packs the built runtime package, installs
// it into a new app in a temporary folder (npm registry and local cache only, no project config) and
// reports the tarball, the installed node_modules (bytes, packages) and the time to import the
// runtime, beside the time to import node:fs (Node's floor) and the whole toolkit (tfjs included),
// each measured in fresh processes, interleaved. Run after `npm run build`:
//   node scripts/runtime-footprint.mjs [--runs 15]
// The figures and the machine are in docs/deploy.md; on a shared machine compare the ratios.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { lstatSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 15;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}
const sizeOf = (p) =>
  lstatSync(p).isDirectory() ? readdirSync(p).reduce((s, n) => s + sizeOf(join(p, n)), 0) : lstatSync(p).size;
const packages = (dir) =>
  readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) => (n.startsWith('@') ? readdirSync(join(dir, n)).map((m) => `${n}/${m}`) : [n]));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;

const dir = mkdtempSync(join(tmpdir(), 'mast-footprint-'));
try {
  const [packed] = JSON.parse(
    run(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', dir, '--workspace', 'packages/runtime'],
      root,
    ),
  );
  const app = join(dir, 'app');
  run('mkdir', [app], dir);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'footprint', version: '1.0.0', private: true }));
  const t0 = performance.now();
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed.filename)], app);
  const installSec = (performance.now() - t0) / 1000;
  const modules = join(app, 'node_modules');
  const perPackage = packages(modules)
    .map((p) => [p, sizeOf(join(modules, p))])
    .sort((a, b) => b[1] - a[1]);

  // import time: wall and CPU (user + system) of the import in a fresh process; interleaved so load drifts hit all alike
  const probe = (spec, cwd) => {
    const code = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(spec)}); const u = process.cpuUsage(c); console.log(JSON.stringify([performance.now() - t, (u.user + u.system) / 1000]));`;
    return JSON.parse(run(process.execPath, ['--input-type=module', '-e', code], cwd));
  };
  const targets = [
    ['node:fs', 'node:fs', app],
    ['@mast-toolkit/runtime', '@mast-toolkit/runtime', app],
    ['mast-toolkit (repository build, tfjs included)', pathToFileURL(join(root, 'dist', 'src', 'index.js')).href, root],
  ];
  const times = targets.map(() => ({ wall: [], cpu: [] }));
  for (let i = 0; i < runs; i++) {
    targets.forEach(([, spec, cwd], k) => {
      const [wall, cpu] = probe(spec, cwd);
      times[k].wall.push(wall);
      times[k].cpu.push(cpu);
    });
  }

  console.log(
    `date ${new Date().toISOString()}; node ${process.version}; npm ${run('npm', ['--version'], dir).trim()}`,
  );
  console.log(
    `machine ${cpus()[0]?.model ?? '?'} × ${cpus().length} cores; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (shared machine: compare ratios)`,
  );
  console.log(
    `tarball ${packed.filename}: ${mb(statSync(join(dir, packed.filename)).size)} packed, ${mb(packed.unpackedSize)} unpacked, ${packed.entryCount} files`,
  );
  console.log(
    `install into a new app: ${mb(sizeOf(modules))} of node_modules in ${perPackage.length} packages (${installSec.toFixed(1)} s from the local cache)`,
  );
  for (const [p, b] of perPackage) console.log(`  ${p.padEnd(28)} ${mb(b)}`);
  console.log(`import time over ${runs} fresh processes (median wall / median CPU, min wall):`);
  targets.forEach(([name], k) => {
    const t = times[k];
    console.log(
      `  ${name.padEnd(48)} ${median(t.wall).toFixed(0).padStart(5)} ms / ${median(t.cpu).toFixed(0).padStart(5)} ms CPU, min ${Math.min(...t.wall).toFixed(0)} ms`,
    );
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
