/**
 * `npm run bench -- optimizer [--json]`: one Adam step over a learner's parameters (agent + QMIX
 * mixer) with tfjs ops against the same step on the WebAssembly kernels (`compute: kernels`, the
 * default), for the 3m-, 2s3z- and 3s5z-sized learners of `train-step.ts` and LBF's, at densities 1
 * and 0.1. Rounds alternate the two so machine-load swings hit both; medians over rounds. Both give
 * the same bits (test/marl/optimizer.test.ts), so the ratio is all that differs.
 */
import * as tf from '@tensorflow/tfjs';
import { resolveConfig } from '../src/config/index.js';
import { benchLearner } from './learner.js';
import { initBackend } from '../src/marl/backend.js';
import { Optimizer } from '../src/marl/learner/optimizer.js';
import { makeEnv } from '../src/envs/registry.js';
import type { EnvInfo } from '../src/envs/types.js';
import { Rng } from '../src/util/rng.js';
import { median } from '../src/util/stats.js';
import { SHAPES } from './train-step.js';

/** One row: a learner's size and the median step time of each optimizer path. */
export interface OptimizerBenchRow {
  shape: string;
  density: number;
  parameters: number;
  tfjsMs: number;
  kernelsMs: number;
  /** tfjs / kernels. */
  speedup: number;
}

/** Time both paths on one learner's parameters. */
function benchShape(shape: string, info: EnvInfo, density: number, rounds: number): OptimizerBenchRow {
  const config = resolveConfig('default', density < 1 ? { sparsity: { mode: 'static', density } } : {});
  const rng = new Rng(1);
  const learner = benchLearner(config, info, rng);
  const paths = [false, true].map((kernels) => new Optimizer(config.optimizer, learner.stores(), { kernels }));
  const keys = paths[0]!.keys();
  const grads = Object.fromEntries(
    keys.map((k) => {
      const v = paths[0]!.variable(k);
      return [
        k,
        tf.tensor(
          Float32Array.from({ length: v.size }, () => rng.uniform(-1e-3, 1e-3)),
          v.shape,
        ),
      ];
    }),
  );
  const times: number[][] = [[], []];
  for (let r = 0; r < rounds + 3; r++) {
    paths.forEach((opt, i) => {
      const t0 = performance.now();
      opt.apply(grads);
      if (r >= 3) times[i]!.push(performance.now() - t0); // 3 warm-up rounds
    });
  }
  const parameters = keys.reduce((n, k) => n + paths[0]!.variable(k).size, 0);
  Object.values(grads).forEach((g) => g.dispose());
  paths.forEach((p) => p.dispose());
  learner.dispose();
  const [tfjsMs, kernelsMs] = times.map(median) as [number, number];
  return { shape, density, parameters, tfjsMs, kernelsMs, speedup: tfjsMs / kernelsMs };
}

/** Every shape at densities 1 and 0.1. */
export async function optimizerBench(rounds = 60): Promise<{ rows: OptimizerBenchRow[] }> {
  await initBackend('wasm');
  const shapes = [
    ...SHAPES.map((s) => ({ name: s.name, info: s.info })),
    { name: 'lbf 8x8-2p-2f', info: makeEnv('lbf/8x8-2p-2f-coop').getEnvInfo() },
  ];
  const rows: OptimizerBenchRow[] = [];
  for (const { name, info } of shapes)
    for (const density of [1, 0.1]) rows.push(benchShape(name, info, density, rounds));
  return { rows };
}

/** The rows as text lines. */
export function formatOptimizerBench(rows: readonly OptimizerBenchRow[]): string[] {
  return rows.map(
    (r) =>
      `Adam step, ${r.shape} learner at density ${r.density} (${r.parameters.toLocaleString('en-US')} parameters): tfjs ops ${r.tfjsMs.toFixed(2)} ms | kernels ${r.kernelsMs.toFixed(2)} ms | ${r.speedup.toFixed(1)}× faster`,
  );
}
