import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG } from '../../src/config/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every dotted leaf key of a config object, e.g. `targets.lambda`; a free-form object (`envArgs`, empty by default) is one leaf. */
function leafKeys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && Object.keys(v).length > 0
      ? leafKeys(v as object, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

test('docs/config.md is what scripts/config-reference.mjs generates from the current config code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-config-doc-'));
  try {
    const out = join(dir, 'config.md');
    const run = spawnSync(process.execPath, ['scripts/config-reference.mjs', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      readFileSync(join(ROOT, 'docs/config.md'), 'utf8'),
      readFileSync(out, 'utf8'),
      'docs/config.md is stale: run `npm run docs:config`',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/config.md has one row per config key, with its default', () => {
  const doc = readFileSync(join(ROOT, 'docs/config.md'), 'utf8').split('## Presets')[0] as string;
  const rows = new Map([...doc.matchAll(/^\| `([\w.]+)` \| `([^`]*)` \|/gm)].map((m) => [m[1], m[2]]));
  const keys = leafKeys(DEFAULT_CONFIG);
  assert.deepEqual([...rows.keys()].sort(), keys.sort());
  for (const key of keys) {
    const want = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], DEFAULT_CONFIG);
    assert.equal(rows.get(key), JSON.stringify(want), key);
  }
});
