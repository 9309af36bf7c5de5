/**
 * The agent model's contract (packages/runtime/src/onnx/agent-contract.ts) is what the exporters write: the graph's
 * inputs and outputs are the contract's names in its order, every `mast.*` key an export carries is
 * one the contract lists, and the readers recognise the graph kinds the exporters mark.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AGENT_INPUT_NAMES,
  AGENT_IO,
  AGENT_METADATA_KEYS,
  AGENT_OUTPUT_NAMES,
  BATCH_IO,
  GRAPH_KINDS,
  graphKind,
  isBatchAgentsGraph,
} from '@mast-toolkit/runtime/internal/onnx/agent-contract';
import { exportAgent } from '../../src/onnx/export-agent.js';
import { wrapBatchAgents } from '../../src/onnx/export-batch.js';
import { snapshot } from './fixtures.js';

test("the exported agent graph has the contract's inputs and outputs, in its order", () => {
  const model = exportAgent(snapshot(0.3));
  assert.deepEqual(
    model.graph.input.map((i) => i.name),
    [...AGENT_INPUT_NAMES],
  );
  assert.deepEqual(
    model.graph.output.map((o) => o.name),
    [...AGENT_OUTPUT_NAMES],
  );
  assert.deepEqual(
    [...AGENT_INPUT_NAMES, ...AGENT_OUTPUT_NAMES],
    [AGENT_IO.inputs, AGENT_IO.hIn, AGENT_IO.qValues, AGENT_IO.hOut],
  );
});

test('every mast.* key of an export is listed by the contract, including the optional ones', () => {
  const snap = snapshot(0.3);
  snap.metadata.trainFlopsRatio = 0.25;
  snap.metadata.provenance = {
    method: 'online-mast',
    source: { path: 'a.onnx', sha256: '0'.repeat(64), density: 1, return: null },
    steps: 10,
  };
  const keys = exportAgent(snap).metadataProps.map((p) => p.key);
  const listed = new Set(AGENT_METADATA_KEYS.map((k) => `mast.${k}`));
  assert.deepEqual(
    keys.filter((k) => !listed.has(k)),
    [],
  );
  assert.ok(
    keys.includes('mast.provenance') && keys.includes('mast.train_flops_ratio') && keys.includes('mast.flops_sparse'),
  );
});

test('the graph-kind marker tells the batch-agents graph from the row graph', () => {
  const snap = snapshot(0.3);
  const row = exportAgent(snap);
  const batch = wrapBatchAgents(row, snap.architecture);
  assert.equal(graphKind(row), undefined);
  assert.equal(isBatchAgentsGraph(row), false);
  assert.equal(graphKind(batch), GRAPH_KINDS.batchAgents);
  assert.equal(isBatchAgentsGraph(batch), true);
  assert.deepEqual([BATCH_IO.hIn, BATCH_IO.qValues, BATCH_IO.hOut], [AGENT_IO.hIn, AGENT_IO.qValues, AGENT_IO.hOut]);
});
