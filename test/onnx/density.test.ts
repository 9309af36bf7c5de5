import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportAgent, readAgentMetadata } from '../../src/onnx/export-agent.js';
import { importAgent } from '../../src/onnx/import-agent.js';
import { inspectModel } from '@mast-toolkit/runtime/internal/onnx/inspect';
import { MASKED_AGENT_TENSORS } from '@mast-toolkit/runtime/internal/snapshot/types';
import { agentWeightDensity } from '../../src/snapshot/size.js';
import { snapshot } from './fixtures.js';

/**
 * A trained run's snapshot records the run's density budget over agent *and* mixer (0.1 here), while
 * ERK gives the agent's own matrices another share: one layer is left denser than the others, as
 * ERK does, so the agent's density differs from the budget.
 */
function runLikeSnapshot() {
  const snap = snapshot(0.08);
  const fc2 = snap.tensors['fc2.weight'];
  fc2.mask!.fill(1); // ERK keeps the small output layer dense
  fc2.values.forEach((v, i) => (fc2.values[i] = v === 0 ? 0.01 : v));
  snap.metadata.density = 0.1; // the run's budget over agent and mixer
  return snap;
}

test('one density per model: metadata, inspect (and so eval) and import report on the agent weight matrices', () => {
  const snap = runLikeSnapshot();
  const want = agentWeightDensity(snap.tensors, MASKED_AGENT_TENSORS);
  assert.notEqual(Number(want.toFixed(3)), 0.1, 'the fixture must make the agent density differ from the run budget');
  for (const format of ['sparse', 'dense'] as const) {
    const model = exportAgent(snap, { format });
    const meta = readAgentMetadata(model);
    assert.ok(Math.abs(meta.density - want) < 1e-12, `${format}: metadata ${meta.density} vs ${want}`);
    assert.ok(
      Math.abs(inspectModel(model).totals.density - want) < 1e-3,
      `${format}: inspect ${inspectModel(model).totals.density} vs ${want}`,
    );
    const imported = importAgent(model);
    const shown = agentWeightDensity(imported.tensors, MASKED_AGENT_TENSORS); // what `mast import` prints
    assert.ok(Math.abs(shown - want) < 1e-12, `${format}: import ${shown} vs ${want}`);
    assert.equal(imported.metadata.density, 0.1, 'the run budget round-trips through import');
    const runDensity = model.metadataProps.find((p) => p.key === 'mast.run_density')?.value;
    assert.equal(runDensity, '0.1', 'the run budget stays in the metadata under its own name');
  }
});

test('agentWeightDensity counts active entries over the four weight matrices, unmasked ones fully', () => {
  const snap = snapshot(1);
  assert.equal(agentWeightDensity(snap.tensors, MASKED_AGENT_TENSORS), 1);
  // fc1 [16, 14] = 224 entries, 56 kept; the other matrices (48·16 + 48·16 + 5·16 = 1616) unmasked:
  // (56 + 1616) / (224 + 1616) = 1672 / 1840
  const fc1 = snap.tensors['fc1.weight'];
  fc1.mask = new Uint8Array(fc1.values.length);
  fc1.mask.fill(1, 0, 56);
  assert.ok(Math.abs(agentWeightDensity(snap.tensors, MASKED_AGENT_TENSORS) - 1672 / 1840) < 1e-12);
});
