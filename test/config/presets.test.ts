/**
 * The EPyMARL presets (`lbf`, `smaclite`, `mpe`) against EPyMARL's own QMIX settings: the oracle
 * below is transcribed from uoe-agents/epymarl (default.yaml, algs/qmix.yaml, envs/*.yaml, README)
 * in EPyMARL's key names, independent of how the presets are written as diffs over the defaults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { makeEnv } from '../../src/envs/index.js';
import { PRESETS, parseConfig, resolveConfig, type TrainConfig } from '../../src/config/index.js';

/** EPyMARL key → where it lives in a TrainConfig. */
const KEY_MAP: Record<string, (c: TrainConfig) => unknown> = {
  hidden_dim: (c) => c.agent.hidden,
  obs_agent_id: (c) => c.agent.agentIdInput,
  obs_last_action: (c) => c.agent.lastActionInput,
  gamma: (c) => c.gamma,
  batch_size: (c) => c.batchSize,
  buffer_size: (c) => c.bufferSize,
  lr: (c) => c.optimizer.lr,
  grad_norm_clip: (c) => c.optimizer.gradClip,
  target_update_interval_or_tau: (c) => c.targetUpdateInterval,
  epsilon_start: (c) => c.epsilon.start,
  epsilon_finish: (c) => c.epsilon.finish,
  epsilon_anneal_time: (c) => c.epsilon.annealSteps,
  standardise_rewards: (c) => c.standardiseRewards,
  double_q: (c) => c.doubleQ,
  mixing_embed_dim: (c) => c.mixer.embed,
  hypernet_embed: (c) => c.mixer.hypernetEmbed,
  t_max: (c) => c.steps,
  test_nepisode: (c) => c.schedule.testEpisodes,
  test_interval: (c) => c.schedule.testInterval,
  save_model_interval: (c) => c.schedule.checkpointInterval,
  time_limit: (c) => makeEnv(c.env).getEnvInfo().episodeLimit,
};

/** uoe-agents/epymarl src/config/default.yaml, then src/config/algs/qmix.yaml over it. */
const QMIX = {
  gamma: 0.99,
  batch_size: 32,
  lr: 0.0005,
  grad_norm_clip: 10,
  hidden_dim: 64,
  obs_agent_id: true,
  save_model_interval: 50000,
  epsilon_start: 1.0,
  epsilon_finish: 0.05,
  epsilon_anneal_time: 50000,
  buffer_size: 5000,
  target_update_interval_or_tau: 200,
  obs_last_action: false,
  standardise_rewards: true,
  double_q: true,
  mixing_embed_dim: 32,
  hypernet_embed: 64,
};
/** src/config/envs/gymma.yaml and smaclite.yaml (the same run lengths and tests). */
const ENV_CONFIG = { t_max: 2050000, test_nepisode: 100, test_interval: 50000 };

/** Per preset: EPyMARL's settings, and the keys the preset departs from on purpose (its doc says why). */
const CASES: Record<string, { epymarl: Record<string, unknown>; departs: string[] }> = {
  // README: --env-config=smaclite with env_args.map_name="MMM"; each map keeps SMAC's limit (MMM: 150, smaclite.yaml's too)
  smaclite: { epymarl: { ...QMIX, ...ENV_CONFIG, time_limit: 150 }, departs: [] },
  // README: --env-config=gymma with env_args.time_limit=25 env_args.key="pz-mpe-simple-spread-v3"
  mpe: { epymarl: { ...QMIX, ...ENV_CONFIG, time_limit: 25 }, departs: [] },
  // README: --env-config=gymma with env_args.time_limit=50; the paper's LBF ε and lr; shorter runs and tests kept
  lbf: {
    epymarl: { ...QMIX, ...ENV_CONFIG, time_limit: 50 },
    departs: ['epsilon_anneal_time', 'lr', 't_max', 'test_nepisode', 'test_interval'],
  },
};

for (const [name, { epymarl, departs }] of Object.entries(CASES)) {
  test(`preset ${name} resolves, validates and follows EPyMARL's QMIX settings`, () => {
    assert.ok(Object.prototype.hasOwnProperty.call(PRESETS, name), `${name} is a preset`);
    const config = resolveConfig(name);
    assert.deepEqual(
      parseConfig(JSON.parse(JSON.stringify(config)), name),
      config,
      'the resolved config passes validation as saved',
    );
    assert.equal(config.alg, 'qmix');
    assert.equal(config.sparsity.mode, 'dense');
    for (const [key, want] of Object.entries(epymarl)) {
      const got = KEY_MAP[key]!(config);
      if (departs.includes(key))
        assert.notEqual(got, want, `${name}: ${key} is listed as a departure but equals EPyMARL's`);
      else assert.equal(got, want, `${name}: EPyMARL's ${key}`);
    }
  });
}

test("each preset's distinguishing values are named in its docs/config.md row", () => {
  const doc = readFileSync(new URL('../../../docs/config.md', import.meta.url), 'utf8');
  for (const name of Object.keys(CASES)) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    assert.ok(row, `${name} has a row`);
    assert.ok(
      row.includes(JSON.stringify(PRESETS[name as keyof typeof PRESETS])),
      `${name}: the row shows the preset's overrides`,
    );
    assert.match(
      row,
      /uoe-agents\/epymarl `src\/config\/algs\/qmix\.yaml`/,
      `${name}: the row cites EPyMARL's QMIX config`,
    );
    for (const key of ['standardise_rewards', 'obs_last_action'])
      assert.ok(row.includes(key), `${name}: the row names ${key}`);
  }
});
