/**
 * Proof that an import is right: the imported snapshot, run by the float64 reference, must reproduce
 * what ONNX Runtime computes from the original model, over a few chained steps on random inputs.
 */
import type { ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import type { AgentSnapshot } from '@mast-toolkit/runtime/internal/snapshot/types';
import { inputSize } from '../snapshot/validate.js';
import { referenceStep } from '../snapshot/reference.js';
import type { AgentIoNames } from '@mast-toolkit/runtime/internal/onnx/agent-contract';
import { loadOrt } from '@mast-toolkit/runtime/internal/runtime/load-ort';
import { Rng } from '../util/rng.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';

/** Largest differences between the original model (ORT) and the imported snapshot. */
export interface ImportCheck {
  maxAbsQDiff: number;
  maxAbsHiddenDiff: number;
  steps: number;
}

/** The graph inputs and outputs in agent order: (input, hidden) → (Q, hidden). */
export function agentIoNames(model: ModelProto): AgentIoNames {
  const initializers = new Set([
    ...model.graph.initializer.map((t) => t.name),
    ...model.graph.sparseInitializer.map((s) => s.values.name),
  ]);
  const inputs = model.graph.input.map((i) => i.name).filter((n) => !initializers.has(n));
  const outputs = model.graph.output.map((o) => o.name);
  if (inputs.length !== 2 || outputs.length !== 2) {
    throw new ToolkitError(
      'E_ONNX_LOAD',
      `the model has inputs [${inputs.join(', ')}] and outputs [${outputs.join(', ')}]; an agent network has two of each (input, hidden → Q, hidden)`,
    );
  }
  return {
    inputs: inputs[0] as string,
    hIn: inputs[1] as string,
    qValues: outputs[0] as string,
    hOut: outputs[1] as string,
  };
}

/**
 * Run both on the same inputs and throw when they disagree by more than `tolerance`.
 * @param bytes the original model.
 */
export async function checkImport(
  bytes: Uint8Array,
  model: ModelProto,
  snap: AgentSnapshot,
  what: string,
  tolerance = 1e-4,
): Promise<ImportCheck> {
  const arch = snap.architecture;
  const dims = { inputSize: inputSize(arch), hidden: arch.hidden, nActions: arch.nActions };
  const { AgentSession } = await loadOrt(); // E_DEPENDENCY when onnxruntime-node is not installed
  const session = await AgentSession.create(bytes, dims, what, agentIoNames(model));
  const rng = new Rng(17);
  const batch = 3;
  let hOrt = new Float32Array(batch * arch.hidden);
  let hRef = new Float32Array(batch * arch.hidden);
  const check: ImportCheck = { maxAbsQDiff: 0, maxAbsHiddenDiff: 0, steps: 4 };
  try {
    for (let s = 0; s < check.steps; s++) {
      const x = Float32Array.from({ length: batch * dims.inputSize }, () => rng.uniform(-1, 1));
      const a = await session.run(x, hOrt, batch);
      const b = referenceStep(snap, x, hRef, batch);
      a.qValues.forEach(
        (q, i) => (check.maxAbsQDiff = Math.max(check.maxAbsQDiff, Math.abs(q - (b.qValues[i] as number)))),
      );
      a.hidden.forEach(
        (h, i) => (check.maxAbsHiddenDiff = Math.max(check.maxAbsHiddenDiff, Math.abs(h - (b.hidden[i] as number)))),
      );
      hOrt = new Float32Array(a.hidden);
      hRef = new Float32Array(b.hidden);
    }
  } finally {
    await session.close();
  }
  if (!(check.maxAbsQDiff <= tolerance && check.maxAbsHiddenDiff <= tolerance)) {
    throw new ToolkitError(
      'E_ONNX_LOAD',
      `import: the weights read from ${what} do not reproduce its outputs (max |ΔQ| ${check.maxAbsQDiff.toExponential(2)}, max |Δh| ${check.maxAbsHiddenDiff.toExponential(2)})`,
      {
        hint: 'the graph is not a Linear → ReLU → GRU(Cell) → Linear agent the importer understands',
      },
    );
  }
  return check;
}
