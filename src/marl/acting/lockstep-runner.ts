/**
 * Several episodes at once, one per environment, in lockstep (pymarl's ParallelRunner): at each step
 * every running environment's agents act (in environment order, so the exploration draws are
 * deterministic), then every environment steps. Environments with split calls (`startStep` /
 * `finish`: a Python process each) are all started before any is waited for, so their processes
 * work at the same time; others step one after another. Each episode is recorded exactly as
 * {@link runEpisode} records it.
 */
import type { Rng } from '../../util/rng.js';
import type { MultiAgentEnv, StepResult } from '../../envs/types.js';
import { selectActions, type EpisodeController } from './select-actions.js';
import type { EpisodeResult } from './runner.js';

/** One environment's episode being recorded. */
class Recording {
  readonly n: number;
  readonly a: number;
  readonly o: number;
  readonly s: number;
  readonly limit: number;
  readonly obs: Float32Array;
  readonly state: Float32Array;
  readonly avail: Uint8Array;
  readonly actions: Int32Array;
  readonly reward: Float32Array;
  readonly terminated: Uint8Array;
  t = 0;
  total = 0;
  won: boolean | null = null;
  done = false;

  constructor(readonly env: MultiAgentEnv) {
    const { nAgents, nActions, obsShape, stateShape, episodeLimit } = env.getEnvInfo();
    [this.n, this.a, this.o, this.s, this.limit] = [nAgents, nActions, obsShape, stateShape, episodeLimit];
    this.obs = new Float32Array((episodeLimit + 1) * nAgents * obsShape);
    this.state = new Float32Array((episodeLimit + 1) * stateShape);
    this.avail = new Uint8Array((episodeLimit + 1) * nAgents * nActions);
    this.actions = new Int32Array(episodeLimit * nAgents);
    this.reward = new Float32Array(episodeLimit);
    this.terminated = new Uint8Array(episodeLimit);
  }

  /** Record the current observations, state and masks at step t; returns what the agents see. */
  observe(): { obs: Float32Array[]; avail: Uint8Array[] } {
    const { env, t, n, o, s, a } = this;
    const obs = env.getObs();
    const avail = env.getAvailActions();
    obs.forEach((v, i) => this.obs.set(v, (t * n + i) * o));
    this.state.set(env.getState(), t * s);
    avail.forEach((v, i) => this.avail.set(v, (t * n + i) * a));
    return { obs, avail };
  }

  /** Record a step's outcome; ends the episode (with the bootstrap step recorded) when it ended. */
  result(step: StepResult): void {
    this.reward[this.t] = step.reward;
    this.total += step.reward;
    if (step.info.won !== undefined) this.won = step.info.won;
    this.t += 1;
    if (step.terminated) this.terminated[this.t - 1] = 1;
    if (step.terminated || step.truncated) {
      this.observe();
      this.done = true;
    }
  }

  episode(): EpisodeResult {
    const { t, n, o, s, a } = this;
    return {
      episode: {
        length: t,
        obs: this.obs.slice(0, (t + 1) * n * o),
        state: this.state.slice(0, (t + 1) * s),
        avail: this.avail.slice(0, (t + 1) * n * a),
        actions: this.actions.slice(0, t * n),
        reward: this.reward.slice(0, t),
        terminated: this.terminated.slice(0, t),
      },
      return: this.total,
      won: this.won,
    };
  }
}

const split = (env: MultiAgentEnv): boolean =>
  typeof env.startStep === 'function' && typeof env.startReset === 'function' && typeof env.finish === 'function';

/**
 * Play one episode in each of `envs` from `seeds[k]`, with `controllers[k]` acting in `envs[k]`,
 * ε-greedily from `rng`. With one environment it draws and records exactly what {@link runEpisode} does.
 */
export function runEpisodesTogether(
  envs: readonly MultiAgentEnv[],
  controllers: readonly EpisodeController[],
  seeds: readonly number[],
  epsilon: number,
  rng: Rng,
): EpisodeResult[] {
  if (controllers.length !== envs.length || seeds.length !== envs.length)
    throw new RangeError(
      `got ${envs.length} environments, ${controllers.length} controllers and ${seeds.length} seeds; they must match`,
    );
  const runs = envs.map((env) => new Recording(env));
  // --- reset: start every split environment, then finish them
  envs.forEach((env, k) => (split(env) ? env.startReset?.(seeds[k] as number) : env.reset(seeds[k] as number)));
  envs.forEach((env, k) => {
    if (split(env)) env.finish?.();
    controllers[k]?.reset();
  });
  for (;;) {
    const active = runs.filter((r) => !r.done);
    if (active.length === 0) break;
    // --- act, in environment order
    const chosen = active.map((run) => {
      const { obs, avail } = run.observe();
      if (run.t === run.limit) {
        run.done = true; // bootstrap step of a truncated episode
        return null;
      }
      const controller = controllers[runs.indexOf(run)] as EpisodeController;
      const actions = selectActions(controller.qValues(obs), avail, epsilon, rng);
      controller.recordActions(actions);
      run.actions.set(actions, run.t * run.n);
      return actions;
    });
    // --- step: start every split environment, then finish them
    active.forEach((run, k) => {
      const actions = chosen[k];
      if (actions && split(run.env)) run.env.startStep?.(actions);
      else if (actions) run.result(run.env.step(actions));
    });
    active.forEach((run, k) => {
      if (chosen[k] && split(run.env)) run.result((run.env.finish as () => StepResult)());
    });
  }
  return runs.map((r) => r.episode());
}
