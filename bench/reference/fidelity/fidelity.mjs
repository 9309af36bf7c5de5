// The fidelity harness: plays the same policies on the toolkit's port (run-port.mjs) and on the
// original Python environment (run_original.py, outside this repository), then compares win rate,
// return and episode length with two-sample tests. A developer tool: CI never runs it. See README.md.
//
//   node bench/reference/fidelity/fidelity.mjs --suite lbf --originals /tmp/ref --out /tmp/lbf.jsonl
//   node bench/reference/fidelity/fidelity.mjs --table /tmp/lbf.jsonl        # the markdown table
//   (--seed0 S resets episode e with seed S + e on both sides: a fresh replicate of a row)
//   node bench/reference/fidelity/fidelity.mjs --determinism --originals /tmp/ref   # SMAClite resets
//   node bench/reference/fidelity/fidelity.mjs --recorded /tmp/orig --out /tmp/sc.jsonl   # against saved original runs
//
// --originals DIR holds the checkouts DIR/lbf (semitable/lb-foraging) and DIR/smaclite
// (uoe-agents/smaclite). Every (task, policy) appends one JSON line to --out as soon as it is done.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { episodeLimit, LISTED_ENV_IDS, runPort } from './run-port.mjs';
import { holm, twoProportions, welch } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const SUITES = {
  lbf: {
    tasks: LISTED_ENV_IDS.filter((id) => id.startsWith('lbf/')), // every LBF task `mast envs` lists
    policies: ['random', 'random-valid', 'forager'],
  },
  // the port's maps that SMAClite ships (it has no 3m or 8m)
  smaclite: {
    tasks: [
      'smaclite/3s5z',
      'smaclite/2s3z',
      'smaclite/MMM',
      'smaclite/10m_vs_11m',
      'smaclite/3s_vs_5z',
      'smaclite/2s_vs_1sc',
      'smaclite/2c_vs_64zg',
      'smaclite/MMM2',
      'smaclite/27m_vs_30m',
      'smaclite/3s5z_vs_3s6z',
      'smaclite/bane_vs_bane',
      'smaclite/corridor',
    ],
    policies: ['random', 'focus-fire', 'random-attack'],
  },
};

const { values: opt } = parseArgs({
  options: {
    suite: { type: 'string' },
    tasks: { type: 'string' },
    policies: { type: 'string' },
    episodes: { type: 'string', default: '250' },
    seed0: { type: 'string', default: '0' },
    originals: { type: 'string', default: '/tmp/ref' },
    python: { type: 'string', default: '/usr/bin/python3' },
    out: { type: 'string' },
    table: { type: 'string' },
    determinism: { type: 'boolean', default: false },
    cache: { type: 'string' },
    'original-only': { type: 'boolean', default: false },
    recorded: { type: 'string' },
  },
});

/** Run run_original.py (niced: the machine is shared) and parse its JSON. */
function runOriginal(args, env = {}) {
  const path = [join(here, 'stubs'), join(opt.originals, 'lbf'), join(opt.originals, 'smaclite')].join(':');
  return new Promise((resolve, reject) => {
    const child = spawn('nice', ['-n', '10', opt.python, join(here, 'run_original.py'), ...args], {
      env: { ...process.env, PYTHONPATH: path, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()))
        : reject(new Error(`run_original.py ${args.join(' ')}: exit ${code}\n${err}`)),
    );
  });
}

/**
 * The original's episodes for one row, from --cache DIR when it holds them (the original is slow and
 * does not change while the port does), else run and stored there.
 */
async function originalEpisodes(args) {
  if (!opt.cache) return (await runOriginal(args)).episodes;
  mkdirSync(opt.cache, { recursive: true });
  const file = join(opt.cache, `${args.join('_').replace(/[^\w.-]+/g, '_')}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).episodes;
  const result = await runOriginal(args);
  writeFileSync(file, JSON.stringify(result));
  return result.episodes;
}

function compare(port, original) {
  const pick = (eps, k) => eps.map((e) => Number(e[k]));
  const wins = port[0].won !== null;
  const count = (eps) => eps.filter((e) => e.won).length;
  return {
    winRate: wins ? twoProportions(count(port), port.length, count(original), original.length) : null,
    return: welch(pick(port, 'return'), pick(original, 'return')),
    length: welch(pick(port, 'length'), pick(original, 'length')),
  };
}

async function runSuite() {
  const suite = SUITES[opt.suite];
  if (!suite) throw new Error(`--suite must be one of ${Object.keys(SUITES).join(', ')}`);
  const tasks = opt.tasks ? opt.tasks.split(',') : suite.tasks;
  const policies = opt.policies ? opt.policies.split(',') : suite.policies;
  const n = Number(opt.episodes);
  for (const task of tasks) {
    for (const policy of policies) {
      const started = Date.now();
      const limit = episodeLimit(task);
      const seed0 = Number(opt.seed0);
      const original = originalEpisodes([
        '--task',
        task,
        '--policy',
        policy,
        '--episodes',
        String(n),
        '--limit',
        String(limit),
        '--seed0',
        String(seed0),
      ]);
      if (opt['original-only']) {
        await original;
        console.error(
          `${task} ${policy}: original stored in ${opt.cache} [${Math.round((Date.now() - started) / 1000)} s]`,
        );
        continue;
      }
      const port = runPort(task, policy, n, { seed0 });
      report(task, policy, port, await original, seed0, limit, started);
    }
  }
}

/** One comparison row: the port against the original's episodes, printed and appended to --out. */
function report(task, policy, port, all, seed0, limit, started) {
  const orig = all.filter((e) => !e.crashed);
  const crashed = all.filter((e) => e.crashed).map((e) => e.crashed);
  const row = {
    task,
    policy,
    episodes: [port.length, orig.length],
    seed0,
    limit,
    ...(crashed.length ? { crashed: crashed.length, error: crashed[0] } : {}),
    ...compare(port, orig),
    date: new Date().toISOString().slice(0, 10),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  if (opt.out) appendFileSync(opt.out, `${JSON.stringify(row)}\n`);
  console.error(
    `${task} ${policy}: return ${row.return.a.toFixed(3)} vs ${row.return.b.toFixed(3)} (p ${row.return.p.toFixed(3)}), length ${row.length.a.toFixed(1)} vs ${row.length.b.toFixed(1)}${row.winRate ? `, win ${(100 * row.winRate.a).toFixed(1)}% vs ${(100 * row.winRate.b).toFixed(1)}%` : ''} [${row.seconds} s]`,
  );
}

/**
 * Compare the port against original runs saved earlier (run_original.py's output, one JSON file per
 * chunk of seeds, e.g. written by record-original.sh): per (task, policy) the chunks that continue
 * each other from the lowest seed are joined, and the port plays the same seeds.
 */
function runRecorded(dir) {
  const groups = new Map();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const r = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const key = `${r.task} ${r.policy}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  const tasks = opt.tasks ? opt.tasks.split(',') : null;
  const policies = opt.policies ? opt.policies.split(',') : null;
  for (const chunks of groups.values()) {
    const { task, policy } = chunks[0];
    if ((tasks && !tasks.includes(task)) || (policies && !policies.includes(policy))) continue;
    chunks.sort((a, b) => a.seed0 - b.seed0);
    const seed0 = chunks[0].seed0;
    const episodes = [];
    for (const c of chunks) {
      if (c.seed0 !== seed0 + episodes.length) break; // a gap: use the contiguous run of seeds only
      episodes.push(...c.episodes);
    }
    const limit = episodeLimit(task);
    if (chunks[0].limit !== limit)
      throw new Error(`${task}: recorded with limit ${chunks[0].limit}, the port's is ${limit}`);
    const started = Date.now();
    report(task, policy, runPort(task, policy, episodes.length, { seed0 }), episodes, seed0, limit, started);
  }
}

/** Markdown table of a results file; Holm's adjustment runs over every test in the file. */
function table(file) {
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const tests = rows.flatMap((r) => ['winRate', 'return', 'length'].filter((k) => r[k]).map((k) => r[k]));
  const adjusted = holm(tests.map((t) => t.p));
  tests.forEach((t, i) => (t.holm = adjusted[i]));
  const fmt = (t, digits, scale = 1) =>
    `${(scale * t.a).toFixed(digits)} / ${(scale * t.b).toFixed(digits)} (${t.diff >= 0 ? '+' : '−'}${Math.abs(scale * t.diff).toFixed(digits)} ± ${(scale * t.half95).toFixed(digits)}; p ${t.p < 0.001 ? '<0.001' : t.p.toFixed(3)})`;
  const verdict = (r) => {
    const ts = ['winRate', 'return', 'length'].filter((k) => r[k]).map((k) => [k, r[k]]);
    const off = ts.filter(([, t]) => t.holm < 0.05).map(([k]) => k);
    const close = ts.filter(([, t]) => t.p < 0.05 && t.holm >= 0.05).map(([k]) => k);
    return off.length
      ? `**differs** (${off.join(', ')})`
      : close.length
        ? `within noise after Holm (raw p < 0.05: ${close.join(', ')})`
        : 'within noise';
  };
  console.log(
    '| task | policy | episodes a side | win % ours / original (Δ ± 95% CI; p) | return ours / original (Δ ± 95% CI; p) | length ours / original (Δ ± 95% CI; p) | verdict |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const digits = r.task.startsWith('lbf/') ? 3 : 2;
    const n =
      r.episodes[0] === r.episodes[1]
        ? `${r.episodes[0]}`
        : `${r.episodes[0]} / ${r.episodes[1]}${r.crashed ? ` (${r.crashed} crashed)` : ''}`;
    console.log(
      `| \`${r.task}\` | ${r.policy} | ${n}${r.seed0 ? ` (seeds from ${r.seed0})` : ''} | ${r.winRate ? fmt(r.winRate, 1, 100) : '–'} | ${fmt(r.return, digits)} | ${fmt(r.length, 1)} | ${verdict(r)} |`,
    );
  }
  console.log(
    `\nMeasured ${rows
      .map((r) => r.date)
      .filter((d, i, a) => a.indexOf(d) === i)
      .join(', ')}; verdicts at family-wise α = 0.05 (Holm) over the ${tests.length} tests above.`,
  );
}

/** Are SMAClite's resets deterministic for a seed? Digests of focus-fire episodes across processes and histories. */
async function determinism() {
  const tasks = opt.tasks ? opt.tasks.split(',') : SUITES.smaclite.tasks;
  for (const task of tasks) {
    const limit = String(episodeLimit(task));
    const base = ['--task', task, '--policy', 'focus-fire', '--limit', limit, '--digest'];
    const a = (await runOriginal([...base, '--episodes', '3'], { PYTHONHASHSEED: '1' })).episodes.map((e) => e.digest);
    const b = (await runOriginal([...base, '--episodes', '3'], { PYTHONHASHSEED: '2' })).episodes.map((e) => e.digest);
    const c = (await runOriginal([...base, '--episodes', '1', '--seed0', '2'], { PYTHONHASHSEED: '3' })).episodes.map(
      (e) => e.digest,
    );
    const d = (await runOriginal([...base, '--episodes', '1', '--seed0', '1'], { PYTHONHASHSEED: '1' })).episodes.map(
      (e) => e.digest,
    );
    const seedsDiffer = new Set(a).size;
    const p = runPort(task, 'focus-fire', 3, { digest: true }).map((e) => e.digest);
    const q = runPort(task, 'focus-fire', 3, { digest: true }).map((e) => e.digest);
    console.log(
      JSON.stringify({
        task,
        originalSameAcrossProcesses: a.every((x, i) => x === b[i]),
        originalResetIndependentOfHistory: c[0] === a[2] && d[0] === a[1],
        originalDistinctEpisodesOf3Seeds: seedsDiffer,
        portSameAcrossRuns: p.every((x, i) => x === q[i]),
        portDistinctEpisodesOf3Seeds: new Set(p).size,
      }),
    );
  }
}

if (opt.table) table(opt.table);
else if (opt.determinism) await determinism();
else if (opt.recorded) runRecorded(opt.recorded);
else await runSuite();
