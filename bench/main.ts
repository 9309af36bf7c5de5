/**
 * `npm run bench [-- --json]`: side-by-side timings in one run, reported as ratios (absolute times on
 * a shared machine swing; ratios measured together are what count). `npm run bench -- train-step`
 * runs only the learner-update bench against PyTorch (`train-step.ts`).
 *   1. learner update (recall-sized batch, QMIX): tfjs wasm vs cpu backend, dense vs static 10%.
 *   2. one decision for 3 agents with ONNX Runtime: sparse vs dense export of the same H = 64 agent.
 *   3. environments: steps per second under a random policy, and the environment's share of one
 *      training iteration (play one episode + one learner update on a batch of 32 of its episodes).
 *   4. deployment engines (`engines.ts`; alone: `npm run bench -- engines [--before DIR]`): ONNX
 *      Runtime vs the sparse engine on the same model, per decision, at densities 1, 0.1, 0.05, H 64,
 *      128 and 256 (`--before`: and the sparse engine of another build, DIR its packages/runtime/dist).
 * `npm run bench -- train-e2e [--steps N] [--repeats R] [--schedule episode,parallel,...]`: environment steps/s of whole training runs on
 * smaclite/3m, dense and MAST 0.1, episode runner vs parallel runner (8 environments) vs parallel with
 * the acting thread, and the episode runner with `compute: arrays` (`train-e2e.ts`).
 * `npm run bench -- products [--before DIR]`: training's product kernels (spmm, spmmT, sddmm) alone in
 * GFLOP/s beside the SIMD ceiling, at densities 1, 0.1, 0.05 (`products.ts`; `--before`: another build's too).
 * `npm run bench -- optimizer` runs only the Adam step bench (`optimizer.ts`): tfjs ops vs kernels.
 * `npm run bench -- env-bridge` runs only the environment bridge bench (`env-bridge.ts`): the toy
 * environment through the Python bridge vs its TypeScript twin in-process.
 * `npm run bench -- serve [--seconds S]`: load on `mast serve` over loopback (`serve.ts`): decisions/s,
 * latency, errors and lost sessions at 1, 100 and 1,000 concurrent sessions, sparse vs ONNX Runtime.
 * `npm run bench -- offline-compress [--recipe best|defaults] [--source NAME,...] [--seeds 1,2,3]`: offline compression of the
 * shipped dense agents to 0.1, their returns beside the dense ones on the same 300 episodes
 * (`offline-compress.ts`; not a timing).
 */
import { resolveConfig } from '../src/config/index.js';
import { benchLearner } from './learner.js';
import { initBackend } from '../src/marl/backend.js';
import { AgentController } from '../src/marl/acting/controller.js';
import { runEpisode } from '../src/marl/acting/runner.js';
import { EpisodeBuffer } from '../src/marl/replay/buffer.js';
import { makeEnv } from '../src/envs/registry.js';
import { Rng } from '../src/util/rng.js';
import { randomSnapshot } from '../src/snapshot/random.js';
import { exportAgentBytes } from '../src/onnx/export-agent.js';
import { AgentSession } from '@mast-toolkit/runtime/internal/runtime/ort';
import { inputSize } from '../src/snapshot/validate.js';
import { enginesBench, formatEngines } from './engines.js';
import { median } from '../src/util/stats.js';
import { randomPolicySpeed } from './random-play.js';

async function updateMs(backend: string, density: number, updates: number, envId = 'recall'): Promise<number> {
  await initBackend(backend);
  const config = resolveConfig(
    'demo',
    { env: envId },
    density < 1 ? { sparsity: { density } } : { sparsity: { mode: 'dense', density: 1 } },
  );
  const env = makeEnv(config.env);
  const info = env.getEnvInfo();
  const rng = new Rng(1);
  const learner = benchLearner(config, info, rng);
  const buffer = new EpisodeBuffer(config.bufferSize, info);
  const controller = new AgentController(learner.agent, info.nAgents);
  for (let e = 0; e < config.batchSize; e++) buffer.insert(runEpisode(env, controller, rng.seed(), 1, rng).episode);
  learner.train(buffer.sample(config.batchSize, rng), { tEnv: 0 }); // warm-up: kernel compilation
  const times: number[] = [];
  for (let u = 0; u < updates; u++) {
    const batch = buffer.sample(config.batchSize, rng);
    const t0 = performance.now();
    learner.train(batch, { tEnv: 0 });
    times.push(performance.now() - t0);
  }
  learner.dispose();
  return median(times);
}

async function decisionUs(format: 'sparse' | 'dense', decisions: number): Promise<number> {
  const arch = {
    kind: 'rnn-agent' as const,
    inputLayout: { obs: 30, lastAction: 9, agentId: 3 },
    hidden: 64,
    nActions: 9,
    nAgents: 3,
  };
  const snap = randomSnapshot(arch, new Rng(2), 0.1);
  const session = await AgentSession.create(exportAgentBytes(snap, { format }), {
    inputSize: inputSize(arch),
    hidden: 64,
    nActions: 9,
  });
  const inputs = new Float32Array(3 * inputSize(arch)).fill(0.1);
  let hidden = new Float32Array(3 * 64);
  const times: number[] = [];
  for (let i = 0; i < decisions + 50; i++) {
    const t0 = process.hrtime.bigint();
    hidden = new Float32Array((await session.run(inputs, hidden, 3)).hidden);
    if (i >= 50) times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  await session.close();
  return median(times);
}

const json = process.argv.includes('--json');
if (process.argv.includes('train-step')) {
  const { trainStepBench, formatTrainStep } = await import('./train-step.js');
  const summary = await trainStepBench();
  if (!json) for (const line of formatTrainStep(summary)) console.log(line);
  console.log(JSON.stringify(summary));
  process.exit(0);
}
if (process.argv.includes('products')) {
  const { productsBench, formatProducts } = await import('./products.js');
  const summary = await productsBench();
  if (!json) for (const line of formatProducts(summary)) console.log(line);
  console.log(JSON.stringify(summary));
  process.exit(0);
}
if (process.argv.includes('train-e2e')) {
  const { trainE2eBench, formatTrainE2e } = await import('./train-e2e.js');
  const arg = (name: string, fallback: number): number => {
    const at = process.argv.indexOf(name);
    const v = at > 0 ? Number(process.argv[at + 1]) : fallback;
    if (!(Number.isInteger(v) && v > 0))
      throw new RangeError(`${name} must be a positive integer, got ${process.argv[at + 1]}`);
    return v;
  };
  const at = process.argv.indexOf('--schedule');
  const summary = await trainE2eBench(
    arg('--steps', 12_000),
    arg('--repeats', 2),
    (line) => !json && console.log(line),
    at > 0 ? (process.argv[at + 1] ?? '').split(',') : [],
  );
  if (!json) for (const line of formatTrainE2e(summary)) console.log(line);
  console.log(JSON.stringify(summary));
  process.exit(0);
}
if (process.argv.includes('env-bridge')) {
  const { envBridgeBench, formatEnvBridge } = await import('./env-bridge.js');
  const summary = envBridgeBench();
  if (!json) for (const line of formatEnvBridge(summary)) console.log(line);
  console.log(JSON.stringify(summary));
  process.exit(0);
}
if (process.argv.includes('serve')) {
  const { serveBench, formatServe } = await import('./serve.js');
  const at = process.argv.indexOf('--seconds');
  const seconds = at > 0 ? Number(process.argv[at + 1]) : 5;
  if (!(seconds > 0)) throw new RangeError(`--seconds must be a positive number, got ${process.argv[at + 1]}`);
  const summary = await serveBench(seconds, (line) => !json && console.log(line));
  if (!json) for (const line of formatServe(summary)) console.log(line);
  console.log(JSON.stringify(summary));
  process.exit(0);
}
if (process.argv.includes('offline-compress')) {
  const { offlineCompressBench, formatOfflineCompress } = await import('./offline-compress.js');
  const list = (flag: string): string[] | undefined => {
    const at = process.argv.indexOf(flag);
    return at > 0 ? (process.argv[at + 1] ?? '').split(',') : undefined;
  };
  const seeds = list('--seeds')?.map(Number);
  if (seeds?.some((s) => !Number.isInteger(s) || s < 0))
    throw new RangeError(
      `--seeds must be non-negative integers separated by commas, got ${list('--seeds')?.join(',')}`,
    );
  const recipe = list('--recipe')?.[0] ?? 'best';
  if (recipe !== 'best' && recipe !== 'defaults')
    throw new RangeError(`--recipe must be best or defaults, got ${recipe}`);
  const summary = await offlineCompressBench((line) => !json && console.log(line), {
    sources: list('--source'),
    seeds,
    recipe,
  });
  if (!json) for (const line of formatOfflineCompress(summary)) console.log(line);
  console.log(JSON.stringify(summary));
  process.exit(0);
}
if (process.argv.includes('optimizer')) {
  const { optimizerBench, formatOptimizerBench } = await import('./optimizer.js');
  const summary = await optimizerBench();
  if (!json) for (const line of formatOptimizerBench(summary.rows)) console.log(line);
  console.log(JSON.stringify(summary));
  process.exit(0);
}
const engineSummary = await enginesBench();
if (process.argv.includes('engines')) {
  if (!json) for (const line of formatEngines(engineSummary)) console.log(line);
  console.log(JSON.stringify(engineSummary));
  process.exit(0);
}
const engines = engineSummary.rows;
const ENV_BENCH = [
  'recall',
  'smaclite/3m',
  'smaclite/3s5z',
  'smaclite/2c_vs_64zg',
  'lbf/8x8-2p-2f-coop',
  'lbf/15x15-4p-5f',
  'mpe/spread-3',
];
const envs = [];
for (const id of ENV_BENCH) {
  const speed = randomPolicySpeed(makeEnv(id), 20_000);
  const update = await updateMs('wasm', 1, 5, id);
  const episodeMs = (1000 * speed.episodeLength) / speed.stepsPerSec;
  envs.push({
    id,
    stepsPerSec: speed.stepsPerSec,
    episodeLength: speed.episodeLength,
    updateMs: update,
    envShare: episodeMs / (episodeMs + update),
  });
}
const wasmDense = await updateMs('wasm', 1, 40);
const wasmSparse = await updateMs('wasm', 0.1, 40);
const cpuDense = await updateMs('cpu', 1, 10);
const ortSparse = await decisionUs('sparse', 2000);
const ortDense = await decisionUs('dense', 2000);
const result = {
  update: {
    wasmDenseMs: wasmDense,
    wasmStatic10Ms: wasmSparse,
    cpuDenseMs: cpuDense,
    cpuOverWasm: cpuDense / wasmDense,
    staticOverDense: wasmSparse / wasmDense,
  },
  ortDecision: { sparseUs: ortSparse, denseUs: ortDense, sparseOverDense: ortSparse / ortDense },
  envs,
  engines,
};
if (json) {
  console.log(JSON.stringify(result));
} else {
  console.log(
    `learner update (recall, batch 32, QMIX), median: wasm dense ${wasmDense.toFixed(1)} ms | wasm static 10% ${wasmSparse.toFixed(1)} ms | cpu dense ${cpuDense.toFixed(1)} ms`,
  );
  console.log(
    `  cpu / wasm = ${result.update.cpuOverWasm.toFixed(2)}×   static 10% / dense = ${result.update.staticOverDense.toFixed(2)}× (masks are applied densely: no wall-clock win yet)`,
  );
  console.log(
    `ONNX Runtime, one decision for 3 agents (H 64), median: sparse export ${ortSparse.toFixed(1)} µs | dense export ${ortDense.toFixed(1)} µs | sparse / dense = ${result.ortDecision.sparseOverDense.toFixed(2)}× (ORT densifies on load)`,
  );
  for (const line of formatEngines(engineSummary)) console.log(line);
  for (const e of envs) {
    console.log(
      `env ${e.id}: ${Math.round(e.stepsPerSec)} steps/s (random policy, episode ${e.episodeLength.toFixed(1)} steps); one episode + one dense update (${e.updateMs.toFixed(0)} ms): env share ${(100 * e.envShare).toFixed(1)}%`,
    );
  }
}
