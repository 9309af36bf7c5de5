/**
 * The batch-agents graph (`mast export --batch-agents`): one call steps every agent of an environment
 * from raw observations to greedy actions. It wraps the agent graph of `export-agent.ts`:
 *
 *   obs [N, O] ─┐
 *   last_action [N, A] (one-hot; zeros at the first step) ─┼─Concat─► inputs ─► agent graph ─► q_values [N, A]
 *   agent_ids [N, N] (constant identity) ─┘                                  └─► h_out [N, H]
 *   avail [N, A] (1 = available):  q_values + (avail − 1)·1e9 ─ArgMax(axis 1)─► actions [N] (INT64)
 *
 * Only the parts the agent's input layout has are concatenated. ArgMax keeps the first maximum, as
 * the toolkit's greedy choice does.
 */
import { makeNode, makeTensor, makeValueInfo, makeAttribute } from './builders.js';
import { DataType, type ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import { AGENT_IO, BATCH_IO, GRAPH_KIND_KEY, GRAPH_KINDS } from '@mast-toolkit/runtime/internal/onnx/agent-contract';
import type { RnnAgentArchitecture } from '@mast-toolkit/runtime/internal/snapshot/types';
import { validateModel } from '@mast-toolkit/runtime/internal/onnx/validate';

export { BATCH_IO };

/** Wrap an exported agent model (row graph) into the batch-agents graph; the input is not modified. */
export function wrapBatchAgents(model: ModelProto, arch: RnnAgentArchitecture): ModelProto {
  const out = structuredClone(model);
  const g = out.graph;
  const { obs, lastAction, agentId } = arch.inputLayout;
  const n = arch.nAgents;
  const a = arch.nActions;
  const parts: string[] = [BATCH_IO.obs];
  const inputs = [makeValueInfo(BATCH_IO.obs, DataType.FLOAT, [n, obs])];
  if (lastAction > 0) {
    parts.push(BATCH_IO.lastAction);
    inputs.push(makeValueInfo(BATCH_IO.lastAction, DataType.FLOAT, [n, lastAction]));
  }
  if (agentId > 0) {
    parts.push('agent_ids');
    g.initializer.push(
      makeTensor(
        'agent_ids',
        DataType.FLOAT,
        [n, agentId],
        Float32Array.from({ length: n * agentId }, (_, k) => (k % (agentId + 1) === 0 ? 1 : 0)),
      ),
    );
  }
  inputs.push(
    makeValueInfo(BATCH_IO.avail, DataType.FLOAT, [n, a]),
    makeValueInfo(BATCH_IO.hIn, DataType.FLOAT, [n, arch.hidden]),
  );
  g.initializer.push(
    makeTensor('one', DataType.FLOAT, [1], [1]),
    makeTensor('unavailable_penalty', DataType.FLOAT, [1], [1e9]),
  );
  g.node = [
    makeNode('Concat', parts, [AGENT_IO.inputs], { attributes: [makeAttribute('axis', 1)] }),
    ...g.node,
    makeNode('Sub', [BATCH_IO.avail, 'one'], ['avail.minus_one']), // 0 where available, −1 where not
    makeNode('Mul', ['avail.minus_one', 'unavailable_penalty'], ['avail.penalty']),
    makeNode('Add', [AGENT_IO.qValues, 'avail.penalty'], ['q_values.masked']),
    makeNode('ArgMax', ['q_values.masked'], [BATCH_IO.actions], {
      attributes: [makeAttribute('axis', 1), makeAttribute('keepdims', 0)],
    }),
  ];
  g.input = inputs;
  g.output = [
    makeValueInfo(BATCH_IO.actions, DataType.INT64, [n]),
    makeValueInfo(BATCH_IO.qValues, DataType.FLOAT, [n, a]),
    makeValueInfo(BATCH_IO.hOut, DataType.FLOAT, [n, arch.hidden]),
  ];
  out.metadataProps = [...out.metadataProps, { key: GRAPH_KIND_KEY, value: GRAPH_KINDS.batchAgents }];
  validateModel(out);
  return out;
}
