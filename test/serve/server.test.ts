/**
 * `mast serve`'s server, driven in-process (fastify's inject): a session's steps are the stateless
 * policy's, concurrent steps share engine calls, and every refusal is a 4xx with a reason —
 * unknown and closed sessions (404), a second step in flight (409), a full table (503), too large a
 * body (413), expired sessions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../../src/serve/server.js';
import { StatelessPolicy } from '@mast-toolkit/runtime/internal/runtime/stateless-policy';
import { Rng } from '../../src/util/rng.js';

const SMAC = fileURLToPath(new URL('../../../models/smaclite_3m-mast-d0.1.onnx', import.meta.url));

const randomObs = (policy: StatelessPolicy, rng: Rng): number[][] =>
  Array.from({ length: policy.metadata.nAgents }, () =>
    Array.from({ length: policy.metadata.inputLayout.obs }, () => Math.fround(rng.uniform(-1, 1))),
  );

test('a session steps as the stateless policy does, bit for bit, and returns Q-values when asked', async () => {
  const policy = await StatelessPolicy.create(SMAC, { engine: 'sparse' });
  const app = buildServer(policy);
  const open = await app.inject({ method: 'POST', url: '/sessions' });
  assert.equal(open.statusCode, 201);
  const { session, nAgents, nActions, obsSize } = open.json();
  assert.deepEqual([nAgents, nActions, obsSize], [3, 9, policy.metadata.inputLayout.obs]);
  const rng = new Rng(2);
  let state = policy.initialState();
  for (let t = 1; t <= 6; t++) {
    const obs = randomObs(policy, rng);
    const avail = obs.map(() => Array.from({ length: nActions }, (_, k) => (k === 0 || rng.next() < 0.5 ? 1 : 0)));
    const res = await app.inject({
      method: 'POST',
      url: `/sessions/${session}/step`,
      payload: { obs, avail, qValues: t % 2 === 0 },
    });
    assert.equal(res.statusCode, 200, res.body);
    const ref = await policy.step({
      obs: obs.map((o) => Float32Array.from(o)),
      avail: avail.map((m) => Uint8Array.from(m)),
      state,
    });
    state = ref.state;
    const body = res.json();
    assert.deepEqual(body.actions, ref.actions);
    assert.equal(body.step, t);
    if (t % 2 === 0) assert.deepEqual(body.qValues.flat(), Array.from(ref.qValues));
    else assert.equal(body.qValues, undefined);
  }
  assert.equal((await app.inject({ method: 'DELETE', url: `/sessions/${session}` })).statusCode, 204);
  const after = await app.inject({
    method: 'POST',
    url: `/sessions/${session}/step`,
    payload: { obs: randomObs(policy, rng) },
  });
  assert.equal(after.statusCode, 404);
  assert.equal(after.json().error, 'E_NO_SESSION');
  assert.equal((await app.inject({ method: 'DELETE', url: `/sessions/${session}` })).statusCode, 404);
  await app.close();
  await policy.close();
});

test('concurrent steps of many sessions share engine calls; /metrics and /healthz report them', async () => {
  const policy = await StatelessPolicy.create(SMAC, { engine: 'sparse' });
  const app = buildServer(policy);
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) ids.push((await app.inject({ method: 'POST', url: '/sessions' })).json().session);
  const rng = new Rng(7);
  const res = await Promise.all(
    ids.map((id) =>
      app.inject({ method: 'POST', url: `/sessions/${id}/step`, payload: { obs: randomObs(policy, rng) } }),
    ),
  );
  assert.ok(res.every((r) => r.statusCode === 200));
  const m = (await app.inject({ method: 'GET', url: '/metrics' })).json();
  assert.equal(m.batching.steps, 40);
  assert.ok(m.batching.engineCalls < 40, `40 concurrent steps took ${m.batching.engineCalls} engine calls`);
  assert.equal(m.decisions, 40);
  assert.equal(m.sessions.open, 40);
  assert.ok(m.latencyMs.p50 > 0 && m.latencyMs.p99 >= m.latencyMs.p50 && m.decisionsPerSec > 0);
  const h = (await app.inject({ method: 'GET', url: '/healthz' })).json();
  assert.deepEqual(h, { status: 'ok', engine: 'sparse', env: 'smaclite/3m', sessions: 40 });
  await app.close();
  await policy.close();
});

test('refusals: a second step in flight (409), a full table (503), a body over the limit (413), an expired session (404)', async () => {
  const policy = await StatelessPolicy.create(SMAC, { engine: 'sparse' });
  const app = buildServer(policy, { maxSessions: 1, bodyLimit: 4096 });
  const rng = new Rng(1);
  const id = (await app.inject({ method: 'POST', url: '/sessions' })).json().session;
  const obs = randomObs(policy, rng);
  const twice = await Promise.all(
    [0, 1].map(() => app.inject({ method: 'POST', url: `/sessions/${id}/step`, payload: { obs } })),
  );
  assert.deepEqual(twice.map((r) => r.statusCode).sort(), [200, 409]);
  assert.equal(twice.find((r) => r.statusCode === 409)!.json().error, 'E_BUSY');
  const full = await app.inject({ method: 'POST', url: '/sessions' });
  assert.equal(full.statusCode, 503);
  assert.equal(full.json().error, 'E_FULL');
  const big = await app.inject({
    method: 'POST',
    url: `/sessions/${id}/step`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ obs }) + ' '.repeat(5000),
  });
  assert.equal(big.statusCode, 413);
  assert.equal(big.json().error, 'E_TOO_LARGE');
  assert.equal(
    (await app.inject({ method: 'POST', url: `/sessions/${id}/step`, payload: { obs } })).statusCode,
    200,
    'it still serves',
  );
  const app2 = buildServer(policy, { ttlMs: 1 });
  const id2 = (await app2.inject({ method: 'POST', url: '/sessions' })).json().session;
  await new Promise((r) => setTimeout(r, 20)); // the session is now idle beyond its 1 ms
  const expired = await app2.inject({ method: 'POST', url: `/sessions/${id2}/step`, payload: { obs } });
  assert.equal(expired.statusCode, 404);
  assert.match(expired.json().message, /expired after 1 ms idle/);
  await app.close();
  await app2.close();
  await policy.close();
});

test("an error that is not the request's fault is a 500 with its code, reported to onInternalError, and the server goes on", async () => {
  const policy = await StatelessPolicy.create(SMAC, { engine: 'sparse' });
  const seen: Error[] = [];
  const app = buildServer(policy, { onInternalError: (err) => seen.push(err) });
  const id = (await app.inject({ method: 'POST', url: '/sessions' })).json().session;
  await policy.close(); // the engine is gone: every step fails with E_CLOSED
  const res = await app.inject({
    method: 'POST',
    url: `/sessions/${id}/step`,
    payload: { obs: randomObs(policy, new Rng(1)) },
  });
  assert.equal(res.statusCode, 500);
  assert.equal(res.json().error, 'E_CLOSED');
  assert.equal(seen.length, 1);
  assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  const again = await app.inject({
    method: 'POST',
    url: `/sessions/${id}/step`,
    payload: { obs: randomObs(policy, new Rng(2)) },
  });
  assert.equal(again.statusCode, 500, 'the session is not left busy');
  await app.close();
});
