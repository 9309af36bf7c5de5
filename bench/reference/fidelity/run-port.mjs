// Play episodes of the toolkit's port of an environment (from dist/, so `npm run build` first) under
// the same policies `run_original.py` plays the originals with, and return per-episode returns,
// lengths and wins. Run alone it prints the same JSON as run_original.py:
//   node bench/reference/fidelity/run-port.mjs --task lbf/8x8-2p-2f-coop --policy forager --episodes 250
// Policies (see run_original.py for the definitions, which these mirror line for line):
//   LBF: random (all six actions), random-valid (lbforaging's valid actions), forager
//   SMAClite: random, focus-fire, random-attack (over the available actions only)
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { makeEnv, ENV_IDS } = await import(join(root, 'dist', 'src', 'envs', 'registry.js'));

/** The environment ids `mast envs` lists (the registry's one list). */
export const LISTED_ENV_IDS = ENV_IDS;
const { Rng } = await import(join(root, 'dist', 'src', 'util', 'rng.js'));

const [NONE, NORTH, SOUTH, WEST, EAST, LOAD] = [0, 1, 2, 3, 4, 5];

/** LOAD if valid; else towards the nearest food (Manhattan; ties row-major): rows first, then columns. */
function forage(p, food, valid) {
  if (valid[LOAD]) return LOAD;
  if (food.length === 0) return NONE;
  // snapshot().food is in row-major order, as numpy's nonzero
  let best = food[0];
  for (const f of food)
    if (Math.abs(f.row - p.row) + Math.abs(f.col - p.col) < Math.abs(best.row - p.row) + Math.abs(best.col - p.col))
      best = f;
  const wanted = [];
  if (best.row < p.row) wanted.push(NORTH);
  if (best.row > p.row) wanted.push(SOUTH);
  if (best.col < p.col) wanted.push(WEST);
  if (best.col > p.col) wanted.push(EAST);
  return wanted.find((a) => valid[a]) ?? NONE;
}

function lbfPolicy(name, env, rng) {
  const { players, food } = env.snapshot();
  const valid = env.validActions();
  return players.map((p, i) => {
    const ok = [...valid[i].keys()].filter((a) => valid[i][a]);
    if (name === 'random') return rng.int(6);
    if (name === 'random-valid') return ok[rng.int(ok.length)];
    if (name === 'forager') return forage(p, food, valid[i]);
    throw new Error(`unknown LBF policy ${name}`);
  });
}

function smaclitePolicy(name, avail, rng) {
  return avail.map((a) => {
    const ok = [...a.keys()].filter((i) => a[i]);
    const attacks = ok.filter((i) => i >= 6);
    const moves = ok.filter((i) => i >= 2 && i <= 5);
    if (name === 'random') return ok[rng.int(ok.length)];
    if (name === 'focus-fire') return attacks.length ? attacks[0] : a[4] ? 4 : a[1] ? 1 : 0;
    if (name === 'random-attack') {
      const pool = attacks.length ? attacks : moves;
      return pool.length ? pool[rng.int(pool.length)] : a[1] ? 1 : 0;
    }
    throw new Error(`unknown SMAClite policy ${name}`);
  });
}

/** The port's episode limit for a task (SMAClite's own env has none; the harness passes this one). */
export function episodeLimit(task) {
  return makeEnv(task).getEnvInfo().episodeLimit;
}

/** Play `episodes` episodes, episode e reset with seed seed0 + e; returns [{return, length, won}]. */
export function runPort(task, policy, episodes, { seed0 = 0, policySeed = 12345, digest = false } = {}) {
  const env = makeEnv(task);
  const lbf = task.startsWith('lbf/');
  const rng = new Rng(policySeed);
  const out = [];
  for (let e = 0; e < episodes; e++) {
    env.reset(seed0 + e);
    const h = digest ? createHash('sha256') : null;
    let ret = 0;
    let t = 0;
    let won = false;
    for (;;) {
      const actions = lbf ? lbfPolicy(policy, env, rng) : smaclitePolicy(policy, env.getAvailActions(), rng);
      const r = env.step(actions);
      ret += r.reward;
      t += 1;
      if (h) for (const o of env.getObs()) h.update(Buffer.from(o.buffer, o.byteOffset, o.byteLength));
      if (r.terminated || r.truncated) {
        won = r.info?.won === true;
        break;
      }
    }
    out.push({ return: ret, length: t, won: lbf ? null : won, ...(h ? { digest: h.digest('hex') } : {}) });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      task: { type: 'string' },
      policy: { type: 'string' },
      episodes: { type: 'string', default: '250' },
      seed0: { type: 'string', default: '0' },
      digest: { type: 'boolean', default: false },
    },
  });
  const episodes = runPort(values.task, values.policy, Number(values.episodes), {
    seed0: Number(values.seed0),
    digest: values.digest,
  });
  console.log(JSON.stringify({ side: 'port', task: values.task, policy: values.policy, episodes }));
}
