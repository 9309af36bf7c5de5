/**
 * User environments in JavaScript (`module:` ids): loading, the factory's arguments, and a clear
 * ToolkitError naming the method for each way a module can break the MultiAgentEnv interface.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEnv, prepareEnv } from '../../src/envs/registry.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';

const BAD = 'module:test/fixtures/envs/bad-envs.mjs';
const EXAMPLE = 'module:docs/examples/custom-env.mjs';

async function rejectsEnv(id: string, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(
    (async () => {
      await prepareEnv(id);
      const env = makeEnv(id);
      env.reset(1);
      env.getObs();
      env.getState();
      env.getAvailActions();
      env.step([1, 1]);
    })(),
    (e: unknown) => {
      assert.ok(e instanceof ToolkitError && e.code === 'E_ENV', `an E_ENV ToolkitError, got ${String(e)}`);
      for (const p of patterns) assert.match(e.message, p);
      return true;
    },
  );
}

test('the docs example loads, takes its arguments and plays an episode', async () => {
  await prepareEnv(EXAMPLE);
  const env = makeEnv(EXAMPLE, { args: { agents: 3, size: 6 } });
  assert.equal(env.id, EXAMPLE);
  assert.deepEqual(env.getEnvInfo(), {
    nAgents: 3,
    nActions: 3,
    obsShape: 8,
    stateShape: 18,
    episodeLimit: 30,
    reportsWins: false,
  });
  env.reset(4);
  let steps = 0;
  for (;;) {
    assert.equal(env.getObs().length, 3);
    const r = env.step([0, 1, 2]);
    steps += 1;
    if (r.terminated || r.truncated) break;
  }
  assert.ok(steps <= 30);
});

test('a module id that was not prepared says how to load it', () => {
  assert.throws(
    () => makeEnv('module:test/fixtures/envs/bad-envs.mjs#plainArrays'),
    (e: unknown) => e instanceof ToolkitError && /not loaded/.test(e.message) && /prepareEnv/.test(e.message),
  );
});

test('plain number arrays are accepted and copied into typed arrays', async () => {
  const id = `${BAD}#plainArrays`;
  await prepareEnv(id);
  const env = makeEnv(id);
  env.reset(0);
  assert.deepEqual(env.getObs(), [Float32Array.from([0, 1, 2, 3]), Float32Array.from([4, 5, 6, 7])]);
  assert.deepEqual(env.getAvailActions(), [Uint8Array.from([1, 0, 0]), Uint8Array.from([0, 0, 1])]);
  assert.equal(env.frame, undefined, 'no pictures where the module draws none');
  const drawn = `${BAD}#withFrame`;
  await prepareEnv(drawn);
  assert.equal(makeEnv(drawn).frame?.().kind, 'particles');
});

test('each broken module is named by the method it breaks', async () => {
  await rejectsEnv(`${BAD}#noStep`, /has no step\(actions\) method/, /implement step\(actions\)/);
  await rejectsEnv(`${BAD}#fractionalSize`, /getEnvInfo\(\) gives obsShape = 2\.5; it must be a positive integer/);
  await rejectsEnv(`${BAD}#shortObs`, /getObs\(\)\[0\] has length 3; obsShape is 4/);
  await rejectsEnv(`${BAD}#infiniteObs`, /getObs\(\)\[0\]\[2\] is Infinity/);
  await rejectsEnv(`${BAD}#noAvail`, /getAvailActions\(\)\[0\] marks no action available/);
  await rejectsEnv(`${BAD}#notAFactory`, /no export 'notAFactory' that is a function or class/);
  await rejectsEnv(`${BAD}#missing`, /no export 'missing'/, /it exports .*noStep/);
  await rejectsEnv(BAD, /no default export/);
  await rejectsEnv(`${BAD}#asyncFactory`, /returned a Promise/, /top-level await/);
  await rejectsEnv('module:test/fixtures/envs/nowhere.mjs', /nowhere\.mjs does not exist/, /working directory/);
});
