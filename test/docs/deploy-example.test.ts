/**
 * docs/deploy.md's `mast serve` client, run as the doc writes it (only the port is filled in) against
 * a real `mast serve` process (this build's CLI); then malformed requests get 4xx with a reason, the
 * server keeps serving, and SIGTERM stops it gracefully (exit 0, "stopped").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODEL = join(ROOT, 'models', 'recall-mast-d0.1.onnx');
const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** The ```ts block after "### A client" in docs/deploy.md. */
function docExample(): string {
  const doc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
  const after = doc.slice(doc.indexOf('### A client'));
  const m = /```ts\n([\s\S]*?)```/.exec(after);
  assert.ok(m, 'the client example is in docs/deploy.md');
  return m[1]!;
}

/** Run `node file` to its end; resolves with its exit code and output. */
function run(file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

test("docs/deploy.md's client plays an episode against mast serve; refusals are 4xx; SIGTERM stops the server gracefully", async (t) => {
  const server = spawn(process.execPath, [CLI, 'serve', MODEL, '--port', '0', '--engine', 'sparse'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => server.kill());
  let out = '';
  server.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.on('exit', () => reject(new Error(`mast serve exited: ${out}`)));
  });

  const source = docExample().replace("'http://127.0.0.1:8080'", JSON.stringify(base));
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const file = join(mkdtempSync(join(tmpdir(), 'mast-deploy-')), 'client.mjs');
  writeFileSync(file, js);
  const client = await run(file);
  assert.equal(client.code, 0, client.out);
  const lines = client.out.trim().split('\n');
  assert.equal(lines.length, 5);
  lines.forEach((line, i) => assert.match(line, new RegExp(`^step ${i}: actions \\d+( \\d+)*$`)));

  const post = async (
    path: string,
    body: string,
  ): Promise<{ status: number; json: { error?: string; message?: string } }> => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, json: (await res.json()) as { error?: string; message?: string } };
  };
  const open = await post('/sessions', '{}');
  const { session, nAgents, obsSize } = open.json as unknown as { session: string; nAgents: number; obsSize: number };
  const obs = Array.from({ length: nAgents }, () => new Array<number>(obsSize).fill(0));
  for (const body of [
    '{"obs": [[0, 1], ',
    'null',
    '{}',
    JSON.stringify({ obs: obs.slice(1) }),
    JSON.stringify({ obs: obs.map((o) => o.map(() => 'x')) }),
    `{"obs": [${obs.map((o) => `[${o.map(() => '1e999').join(',')}]`).join(',')}]}`,
  ]) {
    const { status, json } = await post(`/sessions/${session}/step`, body);
    assert.ok(status >= 400 && status < 500, `${body}: ${status}`);
    assert.ok(typeof json.message === 'string' && json.message.length > 0, body);
  }
  assert.equal((await post(`/sessions/${session}/step`, JSON.stringify({ obs }))).status, 200);

  server.kill('SIGTERM');
  assert.equal(await exited, 0, out);
  assert.match(out, /SIGTERM: stopping[\s\S]*stopped/);
});
