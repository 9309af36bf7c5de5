/**
 * `npm run bench -- engines [--before DIR] [--json]`: per-decision latency of the two deployment engines on the same
 * `.onnx` agent (5 agents, obs 30 + last action + agent id, 9 actions; H 64 — pymarl's agent —,
 * 128 and 256; densities 1, 0.1, 0.05), at two levels:
 *   - engine: one `run` of the agent graph for the 5 rows (ONNX Runtime's `session.run` vs the sparse
 *     engine's kernels);
 *   - policy: one `OnnxPolicy.act` (inputs assembled, graph run, greedy actions over available ones),
 *     which is what a deployed service calls and what `mast eval` times.
 * `--before DIR` adds a third engine to the engine level: the sparse engine of another build of the
 * runtime package (DIR = that build's `packages/runtime/dist`, e.g. a copy of `main`'s), timed in the
 * same rounds, so a change to the engine is measured before/after in one run.
 * Engines alternate in rounds of 200 decisions, so load swings on a shared machine hit both; figures
 * are medians of per-decision times over all rounds, and the ratio is ORT / sparse engine. The text
 * starts with the machine (CPU model, cores, Node, load) and the threads each engine is given — ONNX
 * Runtime's intra-op and inter-op pools as `src/runtime/ort.ts` opens them, the sparse engine's one —
 * and each ratio carries the cores each engine kept busy (CPU time over wall time while timing).
 */
import { randomSnapshot } from '../src/snapshot/random.js';
import { exportAgentBytes } from '../src/onnx/export-agent.js';
import { decodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { agentFlops } from '../src/onnx/flops.js';
import { inputSize } from '../src/snapshot/validate.js';
import { AgentSession } from '@mast-toolkit/runtime/internal/runtime/ort';
import { DENSE_KERNEL_FROM, SparseAgentEngine } from '@mast-toolkit/runtime/internal/runtime/sparse-engine';
import { defaultKernelVariant } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { Rng } from '../src/util/rng.js';
import { median } from '../src/util/stats.js';
import { coresBusyMeter, formatMachine, machineInfo, type MachineInfo } from './machine.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const AGENTS = 5;
const ROUNDS = 10;
const PER_ROUND = 200;
/**
 * Threads each engine runs on: `src/runtime/ort.ts` opens every ONNX Runtime session with
 * `intraOpNumThreads: 1, interOpNumThreads: 1` (change both together), and the sparse engine's
 * WebAssembly kernels have no threads.
 */
const THREADS = { ortIntraOp: 1, ortInterOp: 1, sparseEngine: 1 };

/** Time `decide` PER_ROUND times after a warm-up; per-decision µs appended to `into`. */
async function round(
  decide: () => Promise<unknown> | unknown,
  into: number[],
  busy: number[],
  warmUp = 0,
): Promise<void> {
  for (let i = 0; i < warmUp; i++) await decide();
  const meter = coresBusyMeter();
  for (let i = 0; i < PER_ROUND; i++) {
    const t0 = process.hrtime.bigint();
    await decide();
    into.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  busy.push(meter());
}

/** The sparse engine class of another build of the runtime package (`--before DIR`), if asked for. */
type EngineClass = typeof SparseAgentEngine;

/** `--before DIR`'s sparse engine, or undefined without the flag. */
async function beforeEngine(): Promise<{ dir: string; engine: EngineClass } | undefined> {
  const at = process.argv.indexOf('--before');
  if (at < 0) return undefined;
  const dir = resolve(process.argv[at + 1] ?? '');
  const file = join(dir, 'runtime', 'sparse-engine.js');
  if (!existsSync(file))
    throw new RangeError(
      `--before must name a built packages/runtime/dist (with runtime/sparse-engine.js), got ${dir}`,
    );
  const module = (await import(pathToFileURL(file).href)) as { SparseAgentEngine: EngineClass };
  return { dir, engine: module.SparseAgentEngine };
}

/** One row of the table: an agent of `hidden` units at `density` (and `before`'s engine beside it, if given). */
export async function engineRow(hidden: number, density: number, before?: EngineClass) {
  const arch = {
    kind: 'rnn-agent' as const,
    inputLayout: { obs: 30, lastAction: 9, agentId: AGENTS },
    hidden,
    nActions: 9,
    nAgents: AGENTS,
  };
  const snap = randomSnapshot(arch, new Rng(2), density);
  const dims = { inputSize: inputSize(arch), hidden, nActions: 9 };
  const bytes = exportAgentBytes(snap, { format: 'sparse' });
  const denseBytes = exportAgentBytes(snap, { format: 'dense' });
  const rng = new Rng(3);
  const inputs = Float32Array.from({ length: AGENTS * dims.inputSize }, () => rng.normal());
  const obs = Array.from({ length: AGENTS }, () => Float32Array.from({ length: 30 }, () => rng.normal()));
  const avail = Array.from({ length: AGENTS }, () =>
    Uint8Array.from({ length: 9 }, (_, a) => (a === 0 || rng.next() < 0.7 ? 1 : 0)),
  );

  const ort = await AgentSession.create(bytes, dims);
  const sparse = SparseAgentEngine.fromModel(decodeModel(bytes, 'bench'), dims);
  const old = before?.fromModel(decodeModel(bytes, 'bench'), dims);
  const hOld = new Float32Array(AGENTS * hidden);
  const ortPolicy = await OnnxPolicy.create(bytes, { engine: 'ort' });
  const sparsePolicy = await OnnxPolicy.create(bytes, { engine: 'sparse' });
  const q = new Float32Array(AGENTS * 9);
  const hOrt = new Float32Array(AGENTS * hidden);
  const hSparse = new Float32Array(AGENTS * hidden);
  const times = {
    ortEngine: [] as number[],
    sparseEngine: [] as number[],
    beforeEngine: [] as number[],
    ortPolicy: [] as number[],
    sparsePolicy: [] as number[],
  };
  const busy = { ortEngine: [] as number[], sparseEngine: [] as number[] };
  const unused: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const warm = r === 0 ? 200 : 20;
    await round(() => ort.runInto(inputs, hOrt, AGENTS, q, hOrt), times.ortEngine, busy.ortEngine, warm);
    await round(() => sparse.runInto(inputs, hSparse, AGENTS, q, hSparse), times.sparseEngine, busy.sparseEngine, warm);
    if (old) await round(() => old.runInto(inputs, hOld, AGENTS, q, hOld), times.beforeEngine, unused, warm);
    await round(() => ortPolicy.act(obs, avail), times.ortPolicy, unused, warm);
    await round(() => sparsePolicy.act(obs, avail), times.sparsePolicy, unused, warm);
    if (r % 3 === 0) [ortPolicy, sparsePolicy].forEach((p) => p.reset()); // keep hidden states in range
  }
  await Promise.all([ort.close(), ortPolicy.close(), sparsePolicy.close()]);
  const us = {
    ortEngineUs: median(times.ortEngine),
    sparseEngineUs: median(times.sparseEngine),
    beforeEngineUs: old ? median(times.beforeEngine) : undefined,
    ortPolicyUs: median(times.ortPolicy),
    sparsePolicyUs: median(times.sparsePolicy),
  };
  return {
    hidden,
    density,
    sparseFileBytes: bytes.length,
    denseFileBytes: denseBytes.length,
    storedWeights: sparse.storedWeights,
    matrixKernels: sparse.matrixKernels,
    flops: agentFlops(decodeModel(bytes, 'bench')),
    ...us,
    ortCoresBusy: median(busy.ortEngine),
    sparseCoresBusy: median(busy.sparseEngine),
    engineSpeedup: us.ortEngineUs / us.sparseEngineUs,
    beforeSpeedup: us.beforeEngineUs ? us.ortEngineUs / us.beforeEngineUs : undefined,
    policySpeedup: us.ortPolicyUs / us.sparsePolicyUs,
  };
}

/** Every row: H 64, 128 and 256 at densities 1, 0.1, 0.05, with the machine, the threads and the kernel build used. */
export async function enginesBench() {
  const machine = machineInfo();
  const before = await beforeEngine();
  const rows: Awaited<ReturnType<typeof engineRow>>[] = [];
  for (const hidden of [64, 128, 256])
    for (const density of [1, 0.1, 0.05]) rows.push(await engineRow(hidden, density, before?.engine));
  const at95 = (h: number) => rows.find((r) => r.hidden === h && r.density === 0.05);
  return {
    machine,
    loadAvgEnd: machineInfo().loadAvg,
    threads: THREADS,
    kernels: defaultKernelVariant(),
    before: before?.dir,
    rows,
    policySpeedupH64At95: at95(64)?.policySpeedup,
    engineSpeedupH64At95: at95(64)?.engineSpeedup,
    policySpeedupH256At95: at95(256)?.policySpeedup,
  };
}

/** The summary as text: the machine and thread header, then one line per row. */
export function formatEngines(summary: {
  machine: MachineInfo;
  loadAvgEnd: number[];
  kernels: string;
  before?: string;
  rows: Awaited<ReturnType<typeof engineRow>>[];
}): string[] {
  const m = summary.machine;
  const threads = `ORT intra-op ${THREADS.ortIntraOp}, inter-op ${THREADS.ortInterOp} vs sparse engine ${THREADS.sparseEngine} (no threading yet)`;
  const tag = `[${m.cpu.split(' (')[0]}, ${m.cores} CPUs, Node ${m.node}]`;
  const lines = [
    `${formatMachine(m)} (at the end: ${summary.loadAvgEnd.join(' ')})`,
    `threads: ${threads}; "busy" = CPU time / wall time of the process while timing the engine`,
    `sparse engine kernels: ${summary.kernels === 'simd' ? 'simd (this runtime has no relaxed SIMD; Node 20 needs --experimental-wasm-relaxed-simd)' : summary.kernels}; per matrix the dense kernel from density ${DENSE_KERNEL_FROM}, the CSR one below`,
    'deployment, one decision for 5 agents (obs 30, 9 actions), median µs: engine level | policy.act level',
  ];
  if (summary.before) lines.push(`"before" = the sparse engine of ${summary.before}, timed in the same rounds`);
  for (const e of summary.rows) {
    lines.push(
      `  H ${e.hidden}, density ${e.density}: file ${e.sparseFileBytes} B (dense ${e.denseFileBytes} B) | ORT ${e.ortEngineUs.toFixed(1)} (${THREADS.ortIntraOp} intra-op thread, ${e.ortCoresBusy.toFixed(2)} busy) vs sparse ${e.sparseEngineUs.toFixed(1)} (${THREADS.sparseEngine} thread, ${e.sparseCoresBusy.toFixed(2)} busy) → ${e.engineSpeedup.toFixed(2)}× (matrices: ${e.matrixKernels.dense} dense, ${e.matrixKernels.csr} CSR)${e.beforeEngineUs ? `; before ${e.beforeEngineUs.toFixed(1)} → ${e.beforeSpeedup?.toFixed(2)}×` : ''} | act: ORT ${e.ortPolicyUs.toFixed(1)} vs sparse ${e.sparsePolicyUs.toFixed(1)} → ${e.policySpeedup.toFixed(2)}× | FLOPs ${e.flops.sparse} (×${e.flops.ratio.toFixed(3)}) ${tag}`,
    );
  }
  return lines;
}
