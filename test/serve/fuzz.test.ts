/**
 * Seeded fuzz of `mast serve` over loopback HTTP: a few hundred malformed requests of more than a
 * hundred kinds (bodies that are not JSON, of the wrong shape, type or size, out-of-range numbers,
 * prototype keys, bad session ids, wrong methods, routes and content types, bodies over the limit),
 * drawn from the seeded Rng. Every one gets a 4xx with a JSON reason, and the server keeps serving:
 * a valid step between every few malformed requests, and at the end, is answered with 200.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { buildServer } from '../../src/serve/server.js';
import { StatelessPolicy } from '@mast-toolkit/runtime/internal/runtime/stateless-policy';
import { Rng } from '../../src/util/rng.js';

const SMAC = fileURLToPath(new URL('../../../models/smaclite_3m-mast-d0.1.onnx', import.meta.url));
const BODY_LIMIT = 16 * 1024;

/** One raw HTTP exchange. */
function send(
  port: number,
  method: string,
  path: string,
  body: string | Buffer | undefined,
  contentType: string | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (contentType !== undefined) headers['content-type'] = contentType;
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Case {
  kind: string;
  method: string;
  path: (id: string) => string;
  body?: string | Buffer;
  contentType?: string;
}

/** Malformed requests: each mutator draws its parameters from `rng` and names its kind. */
function malformed(rng: Rng, n: number, o: number, a: number): Case {
  const JSON_CT = 'application/json';
  const step = (id: string): string => `/sessions/${id}/step`;
  const goodObs = (): number[][] =>
    Array.from({ length: n }, () => Array.from({ length: o }, () => rng.uniform(-1, 1)));
  const goodAvail = (): number[][] => Array.from({ length: n }, () => Array.from({ length: a }, () => 1));
  const junk = [null, true, 'x', '1', {}, [], [[1]], -0.5e3, { obs: 1 }] as const;
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)] as T;
  const body = (v: unknown, kind: string): Case => ({
    kind,
    method: 'POST',
    path: step,
    body: JSON.stringify(v),
    contentType: JSON_CT,
  });
  const mutators: (() => Case)[] = [
    () => {
      const text = JSON.stringify({ obs: goodObs() });
      const cut = 1 + rng.int(text.length - 2);
      return {
        kind: `truncated JSON at ${Math.floor((10 * cut) / text.length)}/10`,
        method: 'POST',
        path: step,
        body: text.slice(0, cut),
        contentType: JSON_CT,
      };
    },
    () => {
      const len = 1 + rng.int(64);
      return {
        kind: `random bytes (${len < 8 ? 'short' : 'long'})`,
        method: 'POST',
        path: step,
        body: Buffer.from(Array.from({ length: len }, () => rng.int(256))),
        contentType: JSON_CT,
      };
    },
    () => ({ kind: 'empty JSON body', method: 'POST', path: step, body: '', contentType: JSON_CT }),
    () => {
      const v = pick(junk);
      return body(v, `top-level ${JSON.stringify(v)}`);
    },
    () => {
      const v = pick(junk);
      return body({ obs: v }, `obs = ${JSON.stringify(v)}`);
    },
    () => body({ avail: goodAvail() }, 'obs missing'),
    () => {
      const count = pick([0, 1, n - 1, n + 1, n + 5].filter((c) => c !== n && c >= 0));
      return body({ obs: Array.from({ length: count }, () => goodObs()[0]) }, `${count} observations`);
    },
    () => {
      const obs = goodObs();
      const i = rng.int(n);
      const len = pick([0, 1, o - 1, o + 1, 2 * o].filter((l) => l !== o));
      obs[i] = Array.from({ length: len }, () => 0);
      return body({ obs }, `observation of agent ${i} with ${len} values`);
    },
    () => {
      const obs: unknown[][] = goodObs();
      const v = pick([null, 'x', '0.5', true, [], {}, [0.5]] as const);
      obs[rng.int(n)]![rng.int(o)] = v;
      return body({ obs }, `observation value ${JSON.stringify(v)}`);
    },
    () => {
      const text = JSON.stringify({ obs: goodObs() });
      const lit = pick(['1e999', '-1e999', '1e39', '-3.5e38', 'NaN', 'Infinity', '0x10', '.5', '+1', '1.', '01']);
      return {
        kind: `number literal ${lit}`,
        method: 'POST',
        path: step,
        body: text.replace(/-?\d+\.?\d*(e-?\d+)?/, lit),
        contentType: JSON_CT,
      };
    },
    () => {
      const v = pick(junk);
      return body({ obs: goodObs(), avail: v }, `avail = ${JSON.stringify(v)}`);
    },
    () => {
      const avail = goodAvail();
      const i = rng.int(n);
      const len = pick([0, 1, a - 1, a + 1].filter((l) => l !== a));
      avail[i] = Array.from({ length: len }, () => 1);
      return body({ obs: goodObs(), avail }, `avail of agent ${i} with ${len} entries`);
    },
    () => {
      const avail: unknown[][] = goodAvail();
      const v = pick([2, -1, 0.5, '1', true, null, 1e999] as const);
      avail[rng.int(n)]![rng.int(a)] = v;
      return body({ obs: goodObs(), avail }, `avail entry ${JSON.stringify(v)}`);
    },
    () => {
      const avail = goodAvail();
      const i = rng.int(n);
      avail[i] = avail[i]!.map(() => 0);
      return body({ obs: goodObs(), avail }, `no available action for agent ${i}`);
    },
    () => {
      const v = pick(['yes', 1, 0, null, [], {}] as const);
      return body({ obs: goodObs(), qValues: v }, `qValues = ${JSON.stringify(v)}`);
    },
    () => {
      const key = pick(['extra', 'state', 'hidden', 'reset', 'OBS', '']);
      return body({ obs: goodObs(), [key]: 1 }, `unknown key '${key}'`);
    },
    () => {
      const key = pick(['__proto__', 'constructor']);
      const text = `{"obs": ${JSON.stringify(goodObs())}, "${key}": ${key === 'constructor' ? '{"prototype": {"x": 1}}' : '{"x": 1}'}}`;
      return { kind: `prototype key ${key}`, method: 'POST', path: step, body: text, contentType: JSON_CT };
    },
    () => {
      const depth = pick([50, 500, 5000]);
      return {
        kind: `nested arrays, depth ${depth}`,
        method: 'POST',
        path: step,
        body: `{"obs": ${'['.repeat(depth)}${']'.repeat(depth)}}`,
        contentType: JSON_CT,
      };
    },
    () => {
      const len = rng.int(40);
      const id = Array.from({ length: len }, () => pick('abcdef0123456789-xyz%'.split(''))).join('');
      return {
        kind: `session id of ${len < 36 ? 'wrong length' : 'bad characters'} (${len})`,
        method: 'POST',
        path: () => step(encodeURIComponent(id) || '%20'),
        body: JSON.stringify({ obs: goodObs() }),
        contentType: JSON_CT,
      };
    },
    () => {
      const hex = (k: number): string => Array.from({ length: k }, () => '0123456789abcdef'[rng.int(16)]).join('');
      return {
        kind: 'unknown session (well-formed id)',
        method: 'POST',
        path: () => step(`${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`),
        body: JSON.stringify({ obs: goodObs() }),
        contentType: JSON_CT,
      };
    },
    () => {
      const method = pick(['PUT', 'PATCH', 'GET', 'DELETE']);
      return {
        kind: `${method} on the step route`,
        method,
        path: step,
        body: method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify({ obs: goodObs() }),
        contentType: method === 'GET' || method === 'DELETE' ? undefined : JSON_CT,
      };
    },
    () => {
      const path = pick([
        '/',
        '/session',
        '/sessions/x/y',
        '/../etc/passwd',
        '/sessions//step',
        '/healthz/1',
        '/metrics?x=%zz',
      ]);
      return { kind: `unknown route ${path}`, method: 'POST', path: () => path, body: '{}', contentType: JSON_CT };
    },
    () => {
      const ct = pick([
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'image/png',
      ]);
      return {
        kind: `content type ${ct}`,
        method: 'POST',
        path: step,
        body: JSON.stringify({ obs: goodObs() }),
        contentType: ct,
      };
    },
    () => ({
      kind: 'JSON without a content type',
      method: 'POST',
      path: step,
      body: JSON.stringify({ obs: goodObs() }),
      contentType: undefined,
    }),
    () => {
      const size = BODY_LIMIT + 1 + rng.int(4 * BODY_LIMIT);
      return {
        kind: `body of ${size > 2 * BODY_LIMIT ? 'over twice' : 'just over'} the limit`,
        method: 'POST',
        path: step,
        body: `{"obs": ${JSON.stringify(goodObs())}, "pad": "${'x'.repeat(size)}"}`,
        contentType: JSON_CT,
      };
    },
  ];
  return (pick(mutators) as () => Case)();
}

test('≥ 100 kinds of malformed requests all get a 4xx with a reason, and the server keeps serving', async (t) => {
  const policy = await StatelessPolicy.create(SMAC, { engine: 'sparse' });
  const app = buildServer(policy, { bodyLimit: BODY_LIMIT });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const { nAgents: n, nActions: a, inputLayout } = policy.metadata;
  const open = await send(port, 'POST', '/sessions', undefined, undefined);
  assert.equal(open.status, 201, open.text);
  const id = JSON.parse(open.text).session as string;
  const validStep = JSON.stringify({
    obs: Array.from({ length: n }, () => new Array(inputLayout.obs).fill(0.25)),
    qValues: true,
  });
  const rng = new Rng(2026);
  const kinds = new Map<string, number>();
  const statuses = new Map<number, number>();
  for (let i = 0; i < 400; i++) {
    const c = malformed(rng, n, inputLayout.obs, a);
    kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    const res = await send(port, c.method, c.path(id), c.body, c.contentType);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    assert.ok(res.status >= 400 && res.status < 500, `${c.kind}: status ${res.status} ${res.text}`);
    const reason = JSON.parse(res.text) as { error?: unknown; message?: unknown };
    assert.ok(
      typeof reason.error === 'string' && typeof reason.message === 'string' && reason.message.length > 0,
      `${c.kind}: no reason in ${res.text}`,
    );
    if (i % 10 === 9) {
      const ok = await send(port, 'POST', `/sessions/${id}/step`, validStep, 'application/json');
      assert.equal(ok.status, 200, `after ${c.kind}: ${ok.text}`);
    }
  }
  t.diagnostic(`${kinds.size} kinds; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  assert.ok(kinds.size >= 100, `only ${kinds.size} kinds of malformed requests`);
  const health = await send(port, 'GET', '/healthz', undefined, undefined);
  assert.equal(health.status, 200);
  const last = await send(port, 'POST', `/sessions/${id}/step`, validStep, 'application/json');
  assert.equal(last.status, 200);
  assert.equal(JSON.parse(last.text).actions.length, n);
  const metrics = JSON.parse((await send(port, 'GET', '/metrics', undefined, undefined)).text);
  assert.equal(metrics.responses['5xx'], 0);
  await app.close();
  await policy.close();
});
