/**
 * `engine: 'auto'`: start both engines on the model and keep the one that takes the less time for a
 * decision of every agent on this machine. Neither engine is faster everywhere: the sparse engine's
 * work follows the stored weights, ONNX Runtime's the dense shape with wider SIMD than WebAssembly
 * has, so a dense agent of hidden 256 runs faster on ONNX Runtime and a sparse or smaller one on the
 * sparse engine (docs/benchmarks.md). The two compute the same network within float rounding, so the
 * choice changes speed, not what the agent does, except at near-ties between Q-values. Without
 * onnxruntime-node (an optional dependency) the sparse engine is kept without timing.
 */
import { ToolkitError } from '../util/errors.js';
import type { ModelProto } from '../onnx/types.js';
import { createEngine } from './engine.js';
import type { AgentDims, AgentEngine, EngineName, OrtSessionOptions } from './engine-types.js';

/** Decisions timed per round, and rounds (the best round counts, so a busy moment does not decide). */
const [CALLS, ROUNDS, WARM_UP] = [20, 3, 5];

/** What {@link chooseEngine} kept, and the µs per decision it measured for each engine (null: not timed). */
export interface EngineChoiceResult {
  name: EngineName;
  engine: AgentEngine;
  microseconds: Record<EngineName, number> | null;
}

/** Best-of-rounds µs per decision of `rows` agents on zero inputs and hidden state. */
async function timeDecision(engine: AgentEngine, dims: AgentDims, rows: number): Promise<number> {
  const inputs = new Float32Array(rows * dims.inputSize);
  const hidden = new Float32Array(rows * dims.hidden);
  const [q, h] = [new Float32Array(rows * dims.nActions), new Float32Array(rows * dims.hidden)];
  for (let i = 0; i < WARM_UP; i++) await engine.runInto(inputs, hidden, rows, q, h);
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) await engine.runInto(inputs, hidden, rows, q, h);
    best = Math.min(best, ((performance.now() - started) * 1000) / CALLS);
  }
  return best;
}

/**
 * Start the faster engine for decisions of `rows` agents (the model's agent count): both are
 * started and timed, the slower one closed.
 */
export async function chooseEngine(
  bytes: Uint8Array,
  proto: ModelProto,
  dims: AgentDims,
  rows: number,
  what: string,
  ort: OrtSessionOptions = {},
): Promise<EngineChoiceResult> {
  const sparse = await createEngine('sparse', bytes, proto, dims, what, ort);
  let onnx: AgentEngine;
  try {
    onnx = await createEngine('ort', bytes, proto, dims, what, ort);
  } catch (err) {
    if (err instanceof ToolkitError && err.code === 'E_DEPENDENCY')
      return { name: 'sparse', engine: sparse, microseconds: null };
    await sparse.close();
    throw err;
  }
  let microseconds: Record<EngineName, number>;
  try {
    microseconds = { sparse: await timeDecision(sparse, dims, rows), ort: await timeDecision(onnx, dims, rows) };
  } catch (err) {
    await Promise.all([sparse.close(), onnx.close()]); // neither is handed out
    throw err;
  }
  const name: EngineName = microseconds.ort < microseconds.sparse ? 'ort' : 'sparse';
  await (name === 'ort' ? sparse : onnx).close();
  return { name, engine: name === 'ort' ? onnx : sparse, microseconds };
}
