/**
 * `bench/reference/mast_checkpoint.py` continues one of our runs in the PyTorch reference
 * (`qmix_lbf.py --init-from`). Its reading half needs numpy only, so it is checked here: our tensor
 * files decode to the same arrays, a damaged one is refused, and the replay FIFO lands in the
 * reference's slots in order, also after it has wrapped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EpisodeBuffer } from '../../src/marl/replay/buffer.js';
import { writeTensorFile } from '../../src/util/tensor-file.js';
import type { EnvInfo } from '../../src/envs/types.js';
import { fakeEpisode } from '../marl/fixtures.js';
import { PYTHON, REFERENCE, SKIP_WITHOUT_NUMPY } from './reference-python.js';

const INFO: EnvInfo = { nAgents: 2, nActions: 6, obsShape: 3, stateShape: 6, episodeLimit: 5, reportsWins: false };

/** Decode `path` in Python into a fake reference buffer of `capacity` slots; the slots as JSON. */
const DECODE = `
import json, sys, types
import numpy as np
from mast_checkpoint import read_tensor_file, load_buffer
path, capacity, limit, n, o, s = sys.argv[1], *map(int, sys.argv[2:])
meta, arrays = read_tensor_file(path)
z = lambda *shape: np.zeros(shape, np.float32)
buf = types.SimpleNamespace(size=capacity, obs=z(capacity, limit + 1, n, o), state=z(capacity, limit + 1, s),
                            actions=np.zeros((capacity, limit + 1, n), np.int64), reward=z(capacity, limit + 1, 1),
                            terminated=z(capacity, limit + 1, 1), filled=z(capacity, limit + 1, 1), n_in=0, index=0)
load_buffer(buf, meta["buffer"]["main"], arrays)
slots = []
for i in range(buf.n_in):
    L = int(buf.filled[i].sum()) - 1
    slots.append({"length": L, "obs": buf.obs[i, :L + 1].ravel().tolist(), "state": buf.state[i, :L + 1].ravel().tolist(),
                  "actions": buf.actions[i, :L].ravel().tolist(), "reward": buf.reward[i, :L, 0].tolist(),
                  "terminated": buf.terminated[i, :L, 0].tolist(),
                  "padding_zero": bool(np.all(buf.obs[i, L + 1:] == 0) and np.all(buf.filled[i, L + 1:] == 0))})
w = arrays["agent/fc1.weight"]
print(json.dumps({"n_in": buf.n_in, "index": buf.index, "slots": slots, "w_shape": list(w.shape), "w": w.ravel().tolist()}))
`;

function decode(path: string, capacity: number): { status: number | null; out: string; err: string } {
  const { nAgents: n, obsShape: o, stateShape: s, episodeLimit: limit } = INFO;
  const r = spawnSync(PYTHON, ['-c', DECODE, path, String(capacity), String(limit), String(n), String(o), String(s)], {
    cwd: REFERENCE,
    encoding: 'utf8',
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test(
  'the reference reads our checkpoint arrays and replay FIFO slot for slot, and refuses a damaged file',
  { skip: SKIP_WITHOUT_NUMPY },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'mast-refck-'));
    const capacity = 5;
    const buffer = new EpisodeBuffer(capacity, INFO);
    const episodes = Array.from({ length: 7 }, (_, k) => fakeEpisode(1 + (k % INFO.episodeLimit), 40 + k, INFO));
    for (const e of episodes) buffer.insert(e); // wraps: slots 0, 1 now hold episodes 5, 6
    const replay = buffer.toArrays('replay');
    const weight = Float32Array.from({ length: 12 }, (_, k) => k * 0.25 - 1);
    const path = join(dir, 'checkpoint.mast');
    writeTensorFile(
      path,
      { buffer: { main: replay.meta, recent: null } },
      { ...replay.arrays, 'agent/fc1.weight': { shape: [4, 3], data: weight } },
    );

    const r = decode(path, capacity);
    assert.equal(r.status, 0, r.err);
    const got = JSON.parse(r.out) as {
      n_in: number;
      index: number;
      slots: Array<Record<string, unknown>>;
      w_shape: number[];
      w: number[];
    };
    assert.deepEqual(got.w_shape, [4, 3]);
    assert.deepEqual(got.w, Array.from(weight));
    assert.equal(got.n_in, capacity);
    assert.equal(got.index, 2, 'the next slot to overwrite carries over');
    const expected = [episodes[5], episodes[6], episodes[2], episodes[3], episodes[4]];
    got.slots.forEach((slot, i) => {
      const e = expected[i]!;
      assert.equal(slot.length, e.length, `slot ${i} length`);
      assert.deepEqual(slot.obs, Array.from(e.obs), `slot ${i} obs`);
      assert.deepEqual(slot.state, Array.from(e.state), `slot ${i} state`);
      assert.deepEqual(slot.actions, Array.from(e.actions), `slot ${i} actions`);
      assert.deepEqual(slot.reward, Array.from(e.reward), `slot ${i} reward`);
      assert.deepEqual(slot.terminated, Array.from(e.terminated), `slot ${i} terminated`);
      assert.equal(slot.padding_zero, true, `slot ${i} is zero past its episode`);
    });

    const bytes = readFileSync(path);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0xff;
    const damaged = join(dir, 'damaged.mast');
    writeFileSync(damaged, bytes);
    const bad = decode(damaged, capacity);
    assert.notEqual(bad.status, 0);
    assert.match(bad.err, /corrupt \(CRC-32 mismatch\)/);
    const cut = join(dir, 'cut.mast');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    assert.match(decode(cut, capacity).err, /truncated/);
  },
);
