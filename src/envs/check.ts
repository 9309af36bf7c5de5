/**
 * Checking an environment the toolkit did not write (a user module, a Python process) against the
 * {@link MultiAgentEnv} contract: methods present, `getEnvInfo()` sizes positive integers, every
 * observation, state and mask of the sizes `getEnvInfo()` promised, observations and state finite,
 * at least one available action per agent while the episode runs, and `step` results of the right
 * kinds. {@link CheckedEnv} does it on every call, so a bad value fails where it is made, naming the
 * method, rather than deep inside the learner; it costs one pass over the numbers it already copies
 * (measured with `npm run bench -- env-bridge`, docs/benchmarks.md).
 */
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { EnvFrame, EnvInfo, MultiAgentEnv, StepInfo, StepResult } from './types.js';

/** The methods a {@link MultiAgentEnv} must have. */
export const ENV_METHODS = ['getEnvInfo', 'reset', 'step', 'getObs', 'getState', 'getAvailActions'] as const;

/** How the checked methods are named in messages (a Python environment's are `get_obs()`, ...). */
export type MethodNames = Record<(typeof ENV_METHODS)[number], string>;

/** The TypeScript names. */
export const JS_METHOD_NAMES: MethodNames = {
  getEnvInfo: 'getEnvInfo()',
  reset: 'reset(seed)',
  step: 'step(actions)',
  getObs: 'getObs()',
  getState: 'getState()',
  getAvailActions: 'getAvailActions()',
};

const SIZE_KEYS = ['nAgents', 'nActions', 'obsShape', 'stateShape', 'episodeLimit'] as const;

function envError(id: string, message: string, hint: string): ToolkitError {
  return new ToolkitError('E_ENV', `${id}: ${message}`, { hint });
}

/**
 * Check that `env` has every method of {@link MultiAgentEnv} and that `getEnvInfo()` reports
 * positive integer sizes; returns the info (with `reportsWins` defaulted to false).
 * @throws ToolkitError (E_ENV) naming the missing method or the bad size.
 */
export function checkEnvShape(id: string, env: unknown, names: MethodNames = JS_METHOD_NAMES): EnvInfo {
  if (typeof (env as { then?: unknown } | null)?.then === 'function') {
    throw envError(
      id,
      'the factory returned a Promise; environments are made synchronously',
      "return the environment itself; do asynchronous setup at the module's top level (top-level await)",
    );
  }
  if (typeof env !== 'object' || env === null) {
    throw envError(
      id,
      `the factory returned ${env === null ? 'null' : typeof env}, not an environment object`,
      'return an object with the MultiAgentEnv methods (docs/custom-envs.md)',
    );
  }
  const missing = ENV_METHODS.filter((m) => typeof (env as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) {
    throw envError(
      id,
      `the environment has no ${missing.map((m) => names[m]).join(', ')} method${missing.length > 1 ? 's' : ''}`,
      `implement ${missing.map((m) => names[m]).join(', ')} (the MultiAgentEnv interface, docs/custom-envs.md)`,
    );
  }
  const info = (env as MultiAgentEnv).getEnvInfo() as unknown as Record<string, unknown> | null;
  if (typeof info !== 'object' || info === null)
    throw envError(id, `${names.getEnvInfo} returned ${String(info)}`, `return { ${SIZE_KEYS.join(', ')} }`);
  for (const k of SIZE_KEYS) {
    const v = info[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw envError(
        id,
        `${names.getEnvInfo} gives ${k} = ${JSON.stringify(v)}; it must be a positive integer`,
        `set ${k} in ${names.getEnvInfo} to a whole number ≥ 1`,
      );
    }
  }
  return { ...(info as unknown as EnvInfo), reportsWins: info.reportsWins === true };
}

/**
 * A {@link MultiAgentEnv} that checks every value the wrapped environment hands back. Plain number
 * arrays are accepted and copied into typed arrays.
 */
export class CheckedEnv implements MultiAgentEnv {
  readonly id: string;
  private readonly info: EnvInfo;
  /** Whether an episode runs (an action is due), so every agent needs an available action. */
  private running = false;
  /** The wrapped environment's pictures, where it draws them (`mast replay`). */
  readonly frame?: () => EnvFrame;
  /** The wrapped environment's split calls, where it has them (see {@link MultiAgentEnv.startReset}). */
  readonly startReset?: (seed: number) => void;
  readonly startStep?: (actions: readonly number[]) => void;
  readonly finish?: () => StepResult;

  /**
   * @param id the registry id the environment was made from (used in messages and as its `id`).
   * @param inner the environment; {@link checkEnvShape} runs on it here.
   * @param names how its methods are named in messages.
   */
  constructor(
    id: string,
    private readonly inner: MultiAgentEnv,
    private readonly names: MethodNames = JS_METHOD_NAMES,
  ) {
    this.id = id;
    this.info = checkEnvShape(id, inner, names);
    if (typeof inner.frame === 'function') this.frame = () => (inner.frame as () => EnvFrame).call(inner);
    const { startReset, startStep, finish } = inner;
    if (typeof startReset === 'function' && typeof startStep === 'function' && typeof finish === 'function') {
      this.startReset = (seed) => {
        startReset.call(inner, seed);
        this.running = true;
      };
      this.startStep = (actions) => startStep.call(inner, actions);
      this.finish = () => this.checkResult(finish.call(inner));
    }
  }

  getEnvInfo(): EnvInfo {
    return this.info;
  }

  reset(seed: number): void {
    this.inner.reset(seed);
    this.running = true;
  }

  step(actions: readonly number[]): StepResult {
    return this.checkResult(this.inner.step(actions));
  }

  private checkResult(result: StepResult): StepResult {
    const r = result as StepResult | null;
    const what = this.names.step;
    if (typeof r !== 'object' || r === null)
      throw envError(this.id, `${what} returned ${String(r)}`, 'return { reward, terminated, truncated, info }');
    if (typeof r.reward !== 'number' || !Number.isFinite(r.reward))
      throw envError(
        this.id,
        `${what} returned reward ${String(r.reward)}; it must be a finite number`,
        'return the team reward as one finite number',
      );
    if (typeof r.terminated !== 'boolean' || typeof r.truncated !== 'boolean') {
      throw envError(
        this.id,
        `${what} returned terminated ${String(r.terminated)}, truncated ${String(r.truncated)}; both must be booleans`,
        'return terminated (the episode ended by its rules) and truncated (cut at the time limit) as booleans',
      );
    }
    const info: StepInfo = typeof r.info === 'object' && r.info !== null ? r.info : {};
    this.running = !(r.terminated || r.truncated);
    return { reward: r.reward, terminated: r.terminated, truncated: r.truncated, info };
  }

  getObs(): Float32Array[] {
    const { nAgents, obsShape } = this.info;
    const obs = this.inner.getObs() as ArrayLike<ArrayLike<number>>;
    this.checkCount(obs, nAgents, this.names.getObs, 'observations');
    const out: Float32Array[] = [];
    for (let i = 0; i < nAgents; i++)
      out.push(this.finiteVector(obs[i], obsShape, `${this.names.getObs}[${i}]`, 'obsShape'));
    return out;
  }

  getState(): Float32Array {
    return this.finiteVector(this.inner.getState(), this.info.stateShape, this.names.getState, 'stateShape');
  }

  getAvailActions(): Uint8Array[] {
    const { nAgents, nActions } = this.info;
    const avail = this.inner.getAvailActions() as ArrayLike<ArrayLike<number>>;
    const what = this.names.getAvailActions;
    this.checkCount(avail, nAgents, what, 'masks');
    const out: Uint8Array[] = [];
    for (let i = 0; i < nAgents; i++) {
      const m = avail[i];
      if (m === undefined || m === null || typeof m.length !== 'number' || m.length !== nActions) {
        throw envError(
          this.id,
          `${what}[${i}] has length ${m?.length}; nActions is ${nActions}`,
          `return one mask of nActions (${nActions}) entries per agent`,
        );
      }
      const mask = m instanceof Uint8Array ? m : Uint8Array.from(m, (v) => (v ? 1 : 0));
      let any = false;
      for (let a = 0; a < nActions; a++) {
        const v = mask[a] as number;
        if (v > 1)
          throw envError(
            this.id,
            `${what}[${i}][${a}] is ${v}; masks hold 0 or 1`,
            'mark available actions 1 and the others 0',
          );
        if (v === 1) any = true;
      }
      if (!any && this.running) {
        throw envError(
          this.id,
          `${what}[${i}] marks no action available while the episode runs`,
          'every agent needs at least one available action (pymarl gives dead agents the no-op)',
        );
      }
      out.push(mask);
    }
    return out;
  }

  close(): void {
    this.inner.close?.();
  }

  private checkCount(arrays: ArrayLike<unknown> | null | undefined, nAgents: number, what: string, noun: string): void {
    if (arrays === null || arrays === undefined || typeof arrays.length !== 'number' || arrays.length !== nAgents) {
      throw envError(
        this.id,
        `${what} returned ${arrays?.length ?? String(arrays)} ${noun}; nAgents is ${nAgents}`,
        `return one per agent (${nAgents}), or fix nAgents in ${this.names.getEnvInfo}`,
      );
    }
  }

  private finiteVector(v: ArrayLike<number> | null | undefined, size: number, what: string, key: string): Float32Array {
    if (v === null || v === undefined || typeof v.length !== 'number' || v.length !== size) {
      throw envError(
        this.id,
        `${what} has length ${v?.length ?? String(v)}; ${key} is ${size}`,
        `make ${what} ${size} numbers long, or fix ${key} in ${this.names.getEnvInfo}`,
      );
    }
    const out = v instanceof Float32Array ? v : Float32Array.from(v);
    for (let k = 0; k < size; k++) {
      if (!Number.isFinite(out[k]))
        throw envError(
          this.id,
          `${what}[${k}] is ${out[k]}; observations and state must be finite`,
          `find where ${what} makes a NaN or infinity (a division by zero, an unset value)`,
        );
    }
    return out;
  }
}
