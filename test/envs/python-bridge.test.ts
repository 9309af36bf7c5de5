/**
 * The Python environment bridge: the toy environment gives the same trajectories through the bridge
 * as its TypeScript twin in-process, and every way a Python environment can fail is a clear
 * ToolkitError naming the method, with no Python process left behind. Uses `python3` on PATH
 * (standard library only).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { makeEnv } from '../../src/envs/registry.js';
import { PythonEnv } from '../../src/envs/bridge/python-env.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { Rng } from '../../src/util/rng.js';
import type { MultiAgentEnv } from '../../src/envs/types.js';
import { ToyEnv } from './toy-env.js';
import { bridgeChildren } from './bridge-children.js';

const TOY = 'python:test/fixtures/envs/toy_env.py:ToyEnv';
const bad = (cls: string): string => `python:test/fixtures/envs/bad_envs.py:${cls}`;

/** One episode's every value, acting from `rng` (grab when available, else a random available action). */
function trajectory(env: MultiAgentEnv, seed: number, rng: Rng): unknown[] {
  const rows: unknown[] = [];
  env.reset(seed);
  for (;;) {
    const avail = env.getAvailActions();
    rows.push({ obs: env.getObs().map((o) => [...o]), state: [...env.getState()], avail: avail.map((m) => [...m]) });
    const actions = avail.map((m) => {
      if (m[3] === 1 && rng.int(4) > 0) return 3;
      const ok = [...m.keys()].filter((a) => m[a] === 1);
      return ok[rng.int(ok.length)] as number;
    });
    const r = env.step(actions);
    rows.push({ actions, reward: r.reward, terminated: r.terminated, truncated: r.truncated });
    if (r.terminated || r.truncated) {
      rows.push({
        obs: env.getObs().map((o) => [...o]),
        state: [...env.getState()],
        avail: env.getAvailActions().map((m) => [...m]),
      });
      return rows;
    }
  }
}

function throwsBridge(fn: () => unknown, code: string, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ToolkitError, `a ToolkitError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

after(() => assert.deepEqual(bridgeChildren(), [], 'no bridge process outlives the tests'));

test('the same seeds and actions give the same trajectories through the bridge and in-process', () => {
  const bridged = makeEnv(TOY);
  try {
    const twin = new ToyEnv();
    assert.deepEqual(bridged.getEnvInfo(), twin.getEnvInfo());
    let early = 0;
    let truncated = 0;
    for (let e = 0; e < 30; e++) {
      const seed = 1000 + 7919 * e;
      const a = trajectory(bridged, seed, new Rng(e));
      const b = trajectory(twin, seed, new Rng(e));
      assert.deepEqual(a, b, `episode with seed ${seed}`);
      const end = a[a.length - 2] as { terminated: boolean; truncated: boolean };
      if (end.terminated) early += 1;
      if (end.truncated) truncated += 1;
    }
    // The comparison covers both endings: pymarl's episode_limit became `truncated`, not `terminated`.
    assert.ok(early > 0 && truncated > 0, `early ends ${early}, truncations ${truncated}`);
  } finally {
    bridged.close?.();
  }
});

/** An interpreter with numpy (Debian's), if this machine has one. */
const NUMPY_PYTHON = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0,
);

test(
  'numpy answers (as SMAC gives) carry the same trajectories',
  { skip: NUMPY_PYTHON === undefined ? 'no Python with numpy here' : false },
  () => {
    const bridged = makeEnv(bad('NumpyToy'), { python: NUMPY_PYTHON as string });
    try {
      for (let e = 0; e < 10; e++)
        assert.deepEqual(
          trajectory(bridged, 77 + e, new Rng(e)),
          trajectory(new ToyEnv(), 77 + e, new Rng(e)),
          `episode ${e}`,
        );
    } finally {
      bridged.close?.();
    }
  },
);

test('constructor keyword arguments reach the Python class; a seed method seeds episodes', () => {
  const raw = new PythonEnv(TOY, { n_agents: 2, size: 9 });
  try {
    assert.equal(raw.getEnvInfo().nAgents, 2);
    assert.equal(raw.seeding, 'seed');
    raw.reset(5);
    const first = raw.getState().slice();
    raw.reset(6);
    raw.reset(5);
    assert.deepEqual(raw.getState(), first);
    assert.equal(first.length, 2 * 2 + 2);
  } finally {
    raw.close();
  }
});

test('Ctrl-C (SIGINT to the process group) does not interrupt the Python process: the toolkit closes it', () => {
  const raw = new PythonEnv(TOY, {});
  try {
    raw.reset(1);
    process.kill(raw.processId, 'SIGINT');
    const until = Date.now() + 300;
    while (Date.now() < until); // give the signal time to land
    assert.equal(raw.step([0, 0, 0]).reward, -0.1);
  } finally {
    raw.close();
  }
  assert.equal(raw.processId, -1);
});

test('python:MODULE:Class imports from the Python path (the working directory first, then PYTHONPATH)', () => {
  const before = process.env.PYTHONPATH;
  process.env.PYTHONPATH = 'test/fixtures/envs';
  let env: MultiAgentEnv | undefined;
  try {
    env = makeEnv('python:toy_env:ToyEnv');
    assert.equal(env.getEnvInfo().nAgents, 3);
  } finally {
    env?.close?.();
    if (before === undefined) delete process.env.PYTHONPATH;
    else process.env.PYTHONPATH = before;
  }
});

test('an environment printing to stdout does not break the protocol', () => {
  const env = makeEnv(bad('PrintsToStdout'));
  try {
    env.reset(1);
    const r = env.step(env.getAvailActions().map(() => 0));
    assert.equal(r.reward, -0.1);
  } finally {
    env.close?.();
  }
});

test("an import failure names the module and shows Python's error", () => {
  throwsBridge(
    () => makeEnv('python:no_such_package_xyz.envs:Env'),
    'E_ENV_BRIDGE',
    /cannot import no_such_package_xyz\.envs:Env/,
    /ModuleNotFoundError: No module named 'no_such_package_xyz'/,
    /--python/,
  );
  throwsBridge(
    () => makeEnv('python:test/fixtures/envs/toy_env.py:NoSuchClass'),
    'E_ENV_BRIDGE',
    /AttributeError/,
    /NoSuchClass/,
  );
  throwsBridge(() => makeEnv('python:test/fixtures/envs/missing.py:Env'), 'E_ENV_BRIDGE', /missing\.py does not exist/);
  throwsBridge(() => makeEnv('python:toy_env'), 'E_CONFIG', /python:MODULE:Class/);
});

test('a missing interpreter says how to name one', () => {
  throwsBridge(
    () => makeEnv(TOY, { python: '/nonexistent/python3' }),
    'E_ENV_BRIDGE',
    /cannot start the Python interpreter '\/nonexistent\/python3'/,
    /MAST_PYTHON/,
  );
});

test('a constructor that raises shows the last lines of the traceback and the keyword arguments', () => {
  throwsBridge(
    () => makeEnv(bad('RaisesInInit'), { args: { port: 99 } }),
    'E_ENV_BRIDGE',
    /constructor raised \(keyword arguments \{"port":99\}\)/,
    /RuntimeError: cannot reach the simulator at port 99/,
    /bad_envs\.py", line \d+, in __init__/,
    /--env-arg/,
  );
});

test('step() raising names the method and the Python error', () => {
  const env = makeEnv(bad('RaisesInStep'));
  try {
    env.reset(1);
    env.step([0, 0, 0]);
    throwsBridge(
      () => env.step([0, 0, 0]),
      'E_ENV_BRIDGE',
      /step\(\) raised ValueError: unit 7 has no weapon/,
      /--resume/,
    );
  } finally {
    env.close?.();
  }
});

test('a process that exits mid-episode is reported with its exit code', () => {
  const env = makeEnv(bad('ExitsMidEpisode'));
  try {
    env.reset(1);
    env.step([0, 0, 0]);
    env.step([0, 0, 0]);
    throwsBridge(() => env.step([0, 0, 0]), 'E_ENV_BRIDGE', /exited with code 3 during step/);
    throwsBridge(() => env.step([0, 0, 0]), 'E_ENV_BRIDGE', /closed/);
  } finally {
    env.close?.();
  }
});

test('a process that hangs past the timeout is killed and reported', () => {
  // the timeout covers start-up too (Python, numpy, the module): 4 s leaves room for a loaded machine
  const env = makeEnv(bad('HangsInStep'), { timeoutMs: 4000 });
  try {
    env.reset(1);
    env.step([0, 0, 0]);
    const t0 = performance.now();
    throwsBridge(
      () => env.step([0, 0, 0]),
      'E_ENV_BRIDGE',
      /did not answer step within 4\.0 s and was killed/,
      /--env-timeout/,
    );
    const waited = performance.now() - t0;
    assert.ok(waited >= 3900 && waited < 8000, `waited ${waited} ms`);
    assert.deepEqual(bridgeChildren(), []);
  } finally {
    env.close?.();
  }
});

test('wrong sizes, non-finite values and agents without an available action are named by method', () => {
  const cases: Array<[string, RegExp]> = [
    ['WrongObsSize', /get_obs\(\)\[0\] has length 4; obsShape is 5/],
    ['TooFewAgents', /get_obs\(\) returned 2 observations; nAgents is 3/],
    ['NonFiniteState', /get_state\(\)\[0\] is NaN; observations and state must be finite/],
    ['NoAvailableAction', /get_avail_actions\(\)\[1\] marks no action available/],
  ];
  for (const [cls, pattern] of cases) {
    const env = makeEnv(bad(cls));
    try {
      env.reset(1);
      throwsBridge(
        () => {
          env.getObs();
          env.getState();
          env.getAvailActions();
        },
        'E_ENV',
        pattern,
      );
    } finally {
      env.close?.();
    }
  }
  throwsBridge(
    () => makeEnv(bad('BadInfo')),
    'E_ENV',
    /get_env_info\(\) gives nActions = 0; it must be a positive integer/,
  );
  const nan = makeEnv(bad('NanReward'));
  try {
    nan.reset(1);
    throwsBridge(
      () => nan.step([0, 0, 0]),
      'E_ENV',
      /step\(actions\) returned reward null; it must be a finite number/,
    );
  } finally {
    nan.close?.();
  }
});
