// Tick-by-tick trace of one SMAClite episode against the port. The original plays the episode
// (run_original.py --trace: the policy's actions, and per tick every unit's position, hp, shield,
// cooldown, preferred and ORCA velocity and the acting order); the port replays the same actions
// with the same acting order and is compared at every tick, before anyone moves.
//
//   npm run build && node bench/reference/fidelity/trace.mjs --task smaclite/3s_vs_5z --policy focus-fire --seed 0
//     [--policy-seed 12345] [--originals /tmp/ref] [--tol 1e-6] [--verbose]
//
// Prints the first tick (if any) where a value differs by more than --tol, the largest difference
// per quantity, and whether every step's reward and end agree. A developer tool, as the rest of
// this directory.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { episodeLimit } from './run-port.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const { SmacliteEnv } = await import(join(root, 'dist', 'src', 'envs', 'smaclite', 'env.js'));
const { MAPS } = await import(join(root, 'dist', 'src', 'envs', 'smaclite', 'maps.js'));

const { values: opt } = parseArgs({
  options: {
    task: { type: 'string', default: 'smaclite/3s_vs_5z' },
    policy: { type: 'string', default: 'focus-fire' },
    seed: { type: 'string', default: '0' },
    'policy-seed': { type: 'string', default: '12345' },
    originals: { type: 'string', default: '/tmp/ref' },
    python: { type: 'string', default: '/usr/bin/python3' },
    tol: { type: 'string', default: '1e-6' },
    verbose: { type: 'boolean', default: false },
  },
});

/** Record one episode of the original. */
export function originalTrace(task, policy, seed, originals = opt.originals, policySeed = opt['policy-seed']) {
  const path = [join(here, 'stubs'), join(originals, 'smaclite')].join(':');
  const args = [
    join(here, 'run_original.py'),
    '--task',
    task,
    '--policy',
    policy,
    '--trace',
    '--seed0',
    String(seed),
    '--policy-seed',
    String(policySeed),
    '--limit',
    String(episodeLimit(task)),
  ];
  const r = spawnSync(opt.python, args, {
    env: { ...process.env, PYTHONPATH: path },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`run_original.py --trace: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()).trace;
}

const FIELDS = [
  ['x', (u) => u.x],
  ['y', (u) => u.y],
  ['hp', (u) => u.hp],
  ['shield', (u) => u.shield],
  ['cooldown', (u) => u.cooldown],
  ['pvx', (u) => u.prefX],
  ['pvy', (u) => u.prefY],
  ['vx', (u) => u.nextVx],
  ['vy', (u) => u.nextVy],
];

/** Replay `trace` on the port; returns the comparison. */
export function compareTrace(task, trace, tol) {
  const name = task.slice('smaclite/'.length);
  let k = 0;
  let firstBad = null;
  const maxDiff = Object.fromEntries(FIELDS.map(([f]) => [f, 0]));
  const notes = [];
  const order = (units) => {
    const rec = trace.ticks[k];
    if (!rec) throw new Error(`the port ran tick ${k}, the original stopped earlier`);
    const ids = units.map((u) => u.id);
    if (ids.join() !== rec.ids.join()) {
      notes.push(`tick ${k}: living units differ: port [${ids}] original [${rec.ids}]`);
      firstBad ??= { tick: k, what: 'living units' };
    }
    for (const [f, get] of FIELDS) {
      rec.ids.forEach((id, i) => {
        const u = units.find((v) => v.id === id);
        if (!u) return;
        const d = Math.abs(get(u) - rec[f][i]);
        if (d > maxDiff[f]) maxDiff[f] = d;
        if (d > tol && !firstBad)
          firstBad = {
            tick: k,
            step: Math.floor(k / 8),
            what: `${f} of unit ${id}: port ${get(u)} original ${rec[f][i]}`,
          };
      });
    }
    k++;
    return rec.order.map((id) => units.find((u) => u.id === id)).filter((u) => u);
  };
  const env = new SmacliteEnv(task, MAPS[name], { order });
  env.reset(0);
  let stepsAgree = 0;
  for (const [t, step] of trace.steps.entries()) {
    const avail = env.getAvailActions();
    if (step.avail && step.avail.some((row, i) => row.some((v, a) => v !== avail[i][a]))) {
      notes.push(
        `step ${t}: available actions differ: port ${JSON.stringify(avail.map((r) => [...r]))} original ${JSON.stringify(step.avail)}`,
      );
      firstBad ??= { tick: k, step: t, what: 'available actions' };
    }
    const bad = step.actions.findIndex((a, i) => !avail[i][a]);
    if (bad >= 0) {
      notes.push(`step ${t}: the original's action ${step.actions[bad]} of agent ${bad} is not available in the port`);
      break;
    }
    const r = env.step(step.actions);
    const ok =
      Math.abs(r.reward - step.reward) <= 1e-5 && r.terminated === step.done && Boolean(r.info.won) === step.won;
    if (!ok) {
      notes.push(
        `step ${t}: reward/end port ${r.reward.toFixed(6)} ${r.terminated} original ${step.reward.toFixed(6)} ${step.done}`,
      );
      break;
    }
    stepsAgree++;
    if (r.terminated || r.truncated) break;
  }
  return {
    task,
    steps: trace.steps.length,
    stepsAgree,
    ticks: trace.ticks.length,
    ticksRun: k,
    firstBad,
    maxDiff,
    notes,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const trace = originalTrace(opt.task, opt.policy, Number(opt.seed));
  const result = compareTrace(opt.task, trace, Number(opt.tol));
  console.log(JSON.stringify(result, null, opt.verbose ? 2 : 0));
}
