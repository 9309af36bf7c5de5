/**
 * `npm run bench -- env-bridge`: steps per second of the toy test environment
 * (test/fixtures/envs/toy_env.py) through the Python bridge against its TypeScript twin in-process
 * (test/envs/toy-env.ts), raw and behind the per-call checks user environments get (CheckedEnv),
 * under the same random policy; and 2 and 4 bridged processes stepped in lockstep (`envWorkers`),
 * counting all their steps. Prints the CPU model; docs/benchmarks.md records the figures.
 */
import { cpus } from 'node:os';
import { existsSync } from 'node:fs';
import { CheckedEnv } from '../src/envs/check.js';
import { makeEnv } from '../src/envs/registry.js';
import type { MultiAgentEnv, StepResult } from '../src/envs/types.js';
import { Rng } from '../src/util/rng.js';
import { ToyEnv } from '../test/envs/toy-env.js';
import { randomPolicySpeed } from './random-play.js';

/** One row of the bench. */
export interface EnvBridgeRow {
  name: string;
  stepsPerSec: number;
  /** Microseconds per environment step (all calls of one step: observe, mask, act). */
  usPerStep: number;
}

/** Steps per second of `env` under uniformly random available actions over at least `steps` steps. */
function speed(env: MultiAgentEnv, steps: number): number {
  return randomPolicySpeed(env, steps).stepsPerSec;
}

/** Steps per second (all environments together) of `envs` stepped in lockstep: every step started, then every one awaited. */
function lockstepSpeed(envs: MultiAgentEnv[], steps: number): number {
  const rng = new Rng(4);
  let done = 0;
  const t0 = performance.now();
  while (done < steps) {
    for (const env of envs) env.startReset?.(rng.seed());
    for (const env of envs) env.finish?.();
    let running = envs.slice();
    while (running.length > 0) {
      for (const env of running) {
        env.getObs();
        env.getState();
        env.startStep?.(
          env.getAvailActions().map((av) => {
            const ok = [...av.keys()].filter((a) => av[a] === 1);
            return ok[rng.int(ok.length)] as number;
          }),
        );
      }
      running = running.filter((env) => {
        done++;
        const r = (env.finish as () => StepResult)();
        return !(r.terminated || r.truncated);
      });
    }
  }
  return (done * 1000) / (performance.now() - t0);
}

function row(name: string, stepsPerSec: number): EnvBridgeRow {
  return { name, stepsPerSec, usPerStep: 1e6 / stepsPerSec };
}

/** Run the bench; `steps` per configuration (the in-process ones run 50× more, being that much faster). */
export function envBridgeBench(steps = 5000): { cpu: string; rows: EnvBridgeRow[] } {
  const rows: EnvBridgeRow[] = [];
  speed(new ToyEnv(), 20_000); // warm-up
  rows.push(row('in-process (TypeScript twin)', speed(new ToyEnv(), 50 * steps)));
  rows.push(row('in-process, checked (CheckedEnv)', speed(new CheckedEnv('toy', new ToyEnv()), 50 * steps)));
  const interpreters: Array<[string, string]> = [['python3 on PATH', 'python3']];
  if (existsSync('/usr/bin/python3')) interpreters.push(['/usr/bin/python3', '/usr/bin/python3']);
  for (const [label, python] of interpreters) {
    const env = makeEnv('python:test/fixtures/envs/toy_env.py:ToyEnv', { python });
    try {
      speed(env, 500); // warm-up
      rows.push(row(`bridge (${label})`, speed(env, steps)));
    } finally {
      env.close?.();
    }
  }
  for (const workers of [2, 4]) {
    const envs = Array.from({ length: workers }, () => makeEnv('python:test/fixtures/envs/toy_env.py:ToyEnv'));
    try {
      lockstepSpeed(envs, 500);
      rows.push(row(`bridge ×${workers} in lockstep (python3 on PATH)`, lockstepSpeed(envs, steps)));
    } finally {
      for (const env of envs) env.close?.();
    }
  }
  return { cpu: cpus()[0]?.model ?? 'unknown', rows };
}

/** Lines for the terminal. */
export function formatEnvBridge(summary: { cpu: string; rows: EnvBridgeRow[] }): string[] {
  return [
    `CPU: ${summary.cpu}`,
    ...summary.rows.map(
      (r) =>
        `${r.name.padEnd(44)} ${r.stepsPerSec.toFixed(0).padStart(9)} steps/s  ${r.usPerStep.toFixed(1).padStart(8)} µs/step`,
    ),
  ];
}
