// A user environment for MAST, in plain JavaScript: copy this file, change the rules, and train with
//   mast train --env module:./custom-env.mjs --env-arg agents=3 --out runs/gather
// (a relative path resolves against the working directory). The module's default export is a factory
// called with the run's envArgs; `module:./custom-env.mjs#name` picks a named export instead. Every
// call is checked: sizes against getEnvInfo(), finite numbers, one available action per agent.
//
// The game: agents on a ring of `size` cells must gather on one cell. Each sees its own cell and the
// direction to the nearest other agent (partial observation); the team gets 1 for every step they
// all share a cell, and the episode ends when they have been together for `hold` steps.

/** A small deterministic generator (mulberry32); environments must draw only from the seed. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STAY = 0;
const LEFT = 1;
const RIGHT = 2;

export default function createGather({ agents = 2, size = 8, hold = 3, limit = 30 } = {}) {
  let pos = [];
  let together = 0;
  let t = 0;
  let running = false;
  const ring = (x) => ((x % size) + size) % size;
  const nearest = (i) => {
    let best = 0;
    for (let j = 0; j < agents; j++) {
      if (j === i) continue;
      const d = ring(pos[j] - pos[i]);
      const signed = d > size / 2 ? d - size : d; // shortest way round
      if (best === 0 || Math.abs(signed) < Math.abs(best)) best = signed;
    }
    return best;
  };

  return {
    id: 'gather',
    getEnvInfo: () => ({
      nAgents: agents,
      nActions: 3,
      obsShape: size + 2,
      stateShape: agents * size,
      episodeLimit: limit,
      reportsWins: false,
    }),
    reset(seed) {
      const random = generator(seed);
      pos = Array.from({ length: agents }, () => Math.floor(random() * size));
      together = 0;
      t = 0;
      running = true;
    },
    step(actions) {
      if (!running) throw new Error('step() after the episode ended: call reset(seed)');
      actions.forEach((a, i) => {
        if (a === LEFT) pos[i] = ring(pos[i] - 1);
        else if (a === RIGHT) pos[i] = ring(pos[i] + 1);
      });
      t += 1;
      const met = pos.every((p) => p === pos[0]);
      together = met ? together + 1 : 0;
      const terminated = together >= hold;
      const truncated = !terminated && t >= limit;
      running = !(terminated || truncated);
      return { reward: met ? 1 : 0, terminated, truncated, info: {} };
    },
    // One Float32Array per agent: own cell one-hot, then the signed distance to the nearest agent and the time.
    getObs: () =>
      pos.map((p, i) => {
        const o = new Float32Array(size + 2);
        o[p] = 1;
        o[size] = nearest(i) / size;
        o[size + 1] = t / limit;
        return o;
      }),
    // The global state the mixer sees during training: every agent's cell one-hot.
    getState: () => {
      const s = new Float32Array(agents * size);
      pos.forEach((p, i) => (s[i * size + p] = 1));
      return s;
    },
    // Every action is always available here; a 0 masks an action out (at least one must stay 1).
    getAvailActions: () => pos.map(() => Uint8Array.from([1, 1, 1])),
  };
}

export { STAY, LEFT, RIGHT };
