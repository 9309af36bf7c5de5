/**
 * docs/deploy.md's HTTP service, run as the doc writes it (only the package name, the model path
 * and the port are filled in): malformed requests get 400 and the process keeps serving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODEL = join(ROOT, 'models', 'recall-mast-d0.1.onnx');
const INDEX = pathToFileURL(fileURLToPath(new URL('../../src/index.js', import.meta.url))).href;

/** The ```ts block after "A minimal HTTP service" in docs/deploy.md. */
function docExample(): string {
  const doc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
  const after = doc.slice(doc.indexOf('A minimal HTTP service'));
  const m = /```ts\n([\s\S]*?)```/.exec(after);
  assert.ok(m, 'the HTTP example is in docs/deploy.md');
  return m[1]!;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test("docs/deploy.md's HTTP example answers malformed requests with 400 and keeps serving", async (t) => {
  const port = await freePort();
  const source = docExample().replace("'mast-toolkit'", `'${INDEX}'`).replace("'agent.onnx'", JSON.stringify(MODEL)).replace('8080', String(port));
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const file = join(mkdtempSync(join(tmpdir(), 'mast-deploy-')), 'server.mjs');
  writeFileSync(file, js);
  const server = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  t.after(() => server.kill());
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));

  const policy = await OnnxPolicy.create(MODEL);
  const { nAgents, nActions, inputLayout } = policy.metadata;
  await policy.close();
  const obs = Array.from({ length: nAgents }, () => new Array<number>(inputLayout.obs).fill(0));
  const post = async (body: string): Promise<{ status: number; json: { actions?: number[]; error?: string } }> => {
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body });
    return { status: res.status, json: (await res.json()) as { actions?: number[]; error?: string } };
  };
  for (let i = 0; ; i++) {
    try {
      await post(JSON.stringify({ obs, reset: true }));
      break;
    } catch {
      assert.ok(i < 100, `the server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const malformed = [
    '{"obs": [[0, 1], ',
    'null',
    '{}',
    JSON.stringify({ obs: obs.slice(1) }),
    JSON.stringify({ obs: obs.map((o) => o.slice(1)) }),
    JSON.stringify({ obs: obs.map((o) => o.map(() => 'x')) }),
    JSON.stringify({ obs, avail: [[1]] }),
    `{"obs": [${obs.map((o) => `[${o.map(() => '1e999').join(',')}]`).join(',')}]}`,
  ];
  for (const body of malformed) {
    const { status, json } = await post(body);
    assert.equal(status, 400, body);
    assert.ok(typeof json.error === 'string' && json.error.length > 0, body);
  }
  const ok = await post(JSON.stringify({ obs, avail: obs.map(() => new Array<number>(nActions).fill(1)) }));
  assert.equal(ok.status, 200);
  assert.equal(ok.json.actions?.length, nAgents);
  assert.ok(ok.json.actions!.every((a) => Number.isInteger(a) && a >= 0 && a < nActions));
  assert.equal(server.exitCode, null, `the server is still running: ${stderr}`);
  server.kill();
  await exited;
});
