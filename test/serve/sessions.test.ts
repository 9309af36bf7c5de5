/** The session table's expiry on an injected clock, its bound, and the metrics' percentiles and rate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionTable } from '../../src/serve/sessions.js';
import { ServeMetrics } from '../../src/serve/metrics.js';

const state = () => ({ hidden: new Float32Array(2), lastActions: Int32Array.of(-1) });

test('sessions expire after ttlMs idle, never while busy; the table holds at most maxSessions', () => {
  let now = 0;
  const table = new SessionTable({ ttlMs: 100, maxSessions: 2, initialState: state, now: () => now });
  const a = table.open()!;
  const b = table.open()!;
  assert.equal(table.open(), undefined, 'full');
  now = 90;
  assert.equal(table.use(a.id), a); // a used at 90
  a.busy = true;
  now = 250; // b idle 250 > 100: expired; a busy: kept
  assert.equal(table.use(b.id), undefined);
  assert.equal(table.sweep(), 0);
  table.finish(a); // idle from 250
  now = 340;
  assert.equal(table.use(a.id), a);
  now = 441;
  assert.equal(table.sweep(), 1);
  assert.deepEqual(table.counts, { open: 0, opened: 2, closed: 0, expired: 2 });
  const c = table.open()!;
  assert.equal(table.close(c.id), true);
  assert.equal(table.close(c.id), false);
  assert.throws(() => new SessionTable({ ttlMs: 0, maxSessions: 1, initialState: state }), RangeError);
});

test('metrics: nearest-rank percentiles of the last latencies, decisions per second over the window', () => {
  let now = 0;
  const m = new ServeMetrics(10, 1000, () => now);
  for (let i = 1; i <= 100; i++) m.decision(i); // latencies 1..100 ms, all at t = 0
  now = 4000; // 4 s later: 100 decisions over 4 s
  const s = m.snapshot();
  assert.deepEqual([s.latencyMs.p50, s.latencyMs.p90, s.latencyMs.p99, s.latencyMs.max], [50, 90, 99, 100]);
  assert.equal(s.decisionsPerSec, 25);
  now = 30_000; // the window has moved past them
  assert.equal(m.snapshot().decisionsPerSec, 0);
  m.response(200);
  m.response(404);
  m.response(500);
  assert.deepEqual(m.snapshot().responses, { '2xx': 1, '4xx': 1, '5xx': 1 });
});
