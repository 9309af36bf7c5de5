/**
 * `npm run bench -- engines [--json]`: per-decision latency of the two deployment engines on the same
 * `.onnx` agent (5 agents, obs 30 + last action + agent id, 9 actions; H 64 — pymarl's agent — and
 * H 256; densities 1, 0.1, 0.05), at two levels:
 *   - engine: one `run` of the agent graph for the 5 rows (ONNX Runtime's `session.run` vs the sparse
 *     engine's kernels);
 *   - policy: one `OnnxPolicy.act` (inputs assembled, graph run, greedy actions over available ones),
 *     which is what a deployed service calls and what `mast eval` times.
 * Engines alternate in rounds of 200 decisions, so load swings on a shared machine hit both; figures
 * are medians of per-decision times over all rounds, and the ratio is ORT / sparse engine.
 */
import { randomSnapshot } from '../src/snapshot/random.js';
import { exportAgentBytes } from '../src/onnx/export-agent.js';
import { decodeModel } from '../src/onnx/schema.js';
import { agentFlops } from '../src/onnx/flops.js';
import { inputSize } from '../src/snapshot/validate.js';
import { AgentSession } from '../src/runtime/ort.js';
import { SparseAgentEngine } from '../src/runtime/sparse-engine.js';
import { OnnxPolicy } from '../src/runtime/policy.js';
import { Rng } from '../src/util/rng.js';
import { median } from '../src/util/stats.js';

const AGENTS = 5;
const ROUNDS = 10;
const PER_ROUND = 200;

/** Time `decide` PER_ROUND times after a warm-up; per-decision µs appended to `into`. */
async function round(decide: () => Promise<unknown> | unknown, into: number[], warmUp = 0): Promise<void> {
  for (let i = 0; i < warmUp; i++) await decide();
  for (let i = 0; i < PER_ROUND; i++) {
    const t0 = process.hrtime.bigint();
    await decide();
    into.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
}

/** One row of the table: an agent of `hidden` units at `density`. */
export async function engineRow(hidden: number, density: number) {
  const arch = { kind: 'rnn-agent' as const, inputLayout: { obs: 30, lastAction: 9, agentId: AGENTS }, hidden, nActions: 9, nAgents: AGENTS };
  const snap = randomSnapshot(arch, new Rng(2), density);
  const dims = { inputSize: inputSize(arch), hidden, nActions: 9 };
  const bytes = exportAgentBytes(snap, { format: 'sparse' });
  const denseBytes = exportAgentBytes(snap, { format: 'dense' });
  const rng = new Rng(3);
  const inputs = Float32Array.from({ length: AGENTS * dims.inputSize }, () => rng.normal());
  const obs = Array.from({ length: AGENTS }, () => Float32Array.from({ length: 30 }, () => rng.normal()));
  const avail = Array.from({ length: AGENTS }, () => Uint8Array.from({ length: 9 }, (_, a) => (a === 0 || rng.next() < 0.7 ? 1 : 0)));

  const ort = await AgentSession.create(bytes, dims);
  const sparse = SparseAgentEngine.fromModel(decodeModel(bytes, 'bench'), dims);
  const ortPolicy = await OnnxPolicy.create(bytes, { engine: 'ort' });
  const sparsePolicy = await OnnxPolicy.create(bytes, { engine: 'sparse' });
  const q = new Float32Array(AGENTS * 9);
  const hOrt = new Float32Array(AGENTS * hidden);
  const hSparse = new Float32Array(AGENTS * hidden);
  const times = { ortEngine: [] as number[], sparseEngine: [] as number[], ortPolicy: [] as number[], sparsePolicy: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    const warm = r === 0 ? 200 : 20;
    await round(() => ort.runInto(inputs, hOrt, AGENTS, q, hOrt), times.ortEngine, warm);
    await round(() => sparse.runInto(inputs, hSparse, AGENTS, q, hSparse), times.sparseEngine, warm);
    await round(() => ortPolicy.act(obs, avail), times.ortPolicy, warm);
    await round(() => sparsePolicy.act(obs, avail), times.sparsePolicy, warm);
    if (r % 3 === 0) [ortPolicy, sparsePolicy].forEach((p) => p.reset()); // keep hidden states in range
  }
  await Promise.all([ort.close(), ortPolicy.close(), sparsePolicy.close()]);
  const us = { ortEngineUs: median(times.ortEngine), sparseEngineUs: median(times.sparseEngine), ortPolicyUs: median(times.ortPolicy), sparsePolicyUs: median(times.sparsePolicy) };
  return {
    hidden,
    density,
    sparseFileBytes: bytes.length,
    denseFileBytes: denseBytes.length,
    storedWeights: sparse.storedWeights,
    flops: agentFlops(decodeModel(bytes, 'bench')),
    ...us,
    engineSpeedup: us.ortEngineUs / us.sparseEngineUs,
    policySpeedup: us.ortPolicyUs / us.sparsePolicyUs,
  };
}

/** Every row: H 64 and 256 at densities 1, 0.1, 0.05. */
export async function enginesBench() {
  const rows: Awaited<ReturnType<typeof engineRow>>[] = [];
  for (const hidden of [64, 256]) for (const density of [1, 0.1, 0.05]) rows.push(await engineRow(hidden, density));
  const at95 = (h: number) => rows.find((r) => r.hidden === h && r.density === 0.05);
  return { rows, policySpeedupH64At95: at95(64)?.policySpeedup, engineSpeedupH64At95: at95(64)?.engineSpeedup, policySpeedupH256At95: at95(256)?.policySpeedup };
}

/** The table as text. */
export function formatEngines(rows: Awaited<ReturnType<typeof engineRow>>[]): string[] {
  const lines = ['deployment, one decision for 5 agents (obs 30, 9 actions), median µs: engine level | policy.act level'];
  for (const e of rows) {
    lines.push(
      `  H ${e.hidden}, density ${e.density}: file ${e.sparseFileBytes} B (dense ${e.denseFileBytes} B) | ORT ${e.ortEngineUs.toFixed(1)} vs sparse ${e.sparseEngineUs.toFixed(1)} → ${e.engineSpeedup.toFixed(2)}× | act: ORT ${e.ortPolicyUs.toFixed(1)} vs sparse ${e.sparsePolicyUs.toFixed(1)} → ${e.policySpeedup.toFixed(2)}× | FLOPs ${e.flops.sparse} (×${e.flops.ratio.toFixed(3)})`,
    );
  }
  return lines;
}
