/**
 * Every agent shipped in models/ loads, matches its card, was written by the current exporter, and
 * reproduces its card's evaluation on both engines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cardFromModel, type ModelCard } from '../../src/verify/model-card.js';
import { evaluateOnnxAgent } from '../../src/verify/eval.js';
import { importAgent } from '../../src/onnx/import-agent.js';
import { exportAgentBytes } from '../../src/onnx/export-agent.js';
import { decodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';

/** models/ at the repository root (compiled tests run from dist/test/models). */
const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const shipped = readdirSync(MODELS)
  .filter((f) => f.endsWith('.onnx'))
  .sort();

test('models/ ships agents, each with a card', () => {
  assert.ok(shipped.length >= 2, `models/ holds ${shipped.length} .onnx files`);
  const sources = JSON.parse(readFileSync(join(MODELS, 'sources.json'), 'utf8')) as Record<string, string>;
  assert.deepEqual(
    shipped.map((f) => f.replace(/\.onnx$/, '')),
    Object.keys(sources).sort(),
    'every shipped model is listed in sources.json, and only those',
  );
});

for (const file of shipped) {
  test(`models/${file}: matches its card, re-exports byte for byte, reproduces its evaluation on ONNX Runtime and the sparse engine`, async () => {
    const path = join(MODELS, file);
    const card = JSON.parse(readFileSync(path.replace(/\.onnx$/, '.json'), 'utf8')) as ModelCard;
    const { evaluation, ...described } = card;
    assert.deepEqual(cardFromModel(path), described);
    const bytes = readFileSync(path);
    const again = exportAgentBytes(importAgent(decodeModel(new Uint8Array(bytes), file)), { format: 'sparse' });
    assert.ok(
      bytes.equals(Buffer.from(again.buffer, again.byteOffset, again.byteLength)),
      'the current exporter writes this file',
    );
    for (const engine of ['ort', 'sparse'] as const) {
      const r = await evaluateOnnxAgent(path, { episodes: evaluation.episodes, seed: evaluation.seed, engine });
      assert.ok(
        Math.abs(r.meanReturn - evaluation.meanReturn) < 1e-9,
        `${engine}: return ${r.meanReturn} vs card ${evaluation.meanReturn}`,
      );
      assert.equal(r.winRate, evaluation.winRate, `${engine}: win rate`);
    }
  });
}
