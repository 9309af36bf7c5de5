/** The learner registry: every learner and sparsity mode has an entry, and validation, widths and FLOP accounting follow the entries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALGORITHMS,
  ALGORITHM_MIXER,
  LEARNERS,
  MODE_GROW_RULES,
  SPARSITY_MODES,
  SPARSITY_MODE_KINDS,
  resolveConfig,
  targetMixerPasses,
  usesDensity,
} from '../../src/config/index.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { networkWidths } from '../../src/marl/training/setup.js';
import type { EnvInfo } from '../../src/envs/types.js';

const INFO: EnvInfo = { nAgents: 3, nActions: 4, obsShape: 5, stateShape: 6, episodeLimit: 4, reportsWins: false };

test('every learner and every sparsity mode has exactly one entry', () => {
  assert.deepEqual(Object.keys(LEARNERS).sort(), [...ALGORITHMS].sort());
  assert.deepEqual(Object.keys(SPARSITY_MODE_KINDS).sort(), [...SPARSITY_MODES].sort());
  for (const alg of ALGORITHMS) assert.equal(ALGORITHM_MIXER[alg], LEARNERS[alg].mixer, alg);
  for (const mode of SPARSITY_MODES) assert.equal(MODE_GROW_RULES[mode], SPARSITY_MODE_KINDS[mode].grow, mode);
});

test('learner entries are consistent: a central critic comes with a weighting and bootstraps from its target; RES regularises with its softmax', () => {
  for (const [alg, k] of Object.entries(LEARNERS)) {
    assert.equal(k.centralCritic, k.weighting !== null, `${alg}: central critic ⇔ weighted loss`);
    assert.equal(k.bootstrap === 'target-critic', k.centralCritic, `${alg}: bootstraps from the critic ⇔ has one`);
    assert.equal(k.resRegularizer, k.bootstrap === 'res-softmax', `${alg}: RES's regulariser ⇔ its softmax bootstrap`);
  }
  assert.deepEqual(
    ALGORITHMS.filter((a) => LEARNERS[a].centralCritic),
    ['ow-qmix', 'cw-qmix'],
  );
});

test('target-mixer passes per transition: N·A for RES (one per joint-action variant), 1 otherwise', () => {
  assert.equal(targetMixerPasses(LEARNERS['res-qmix'], 3, 4), 12);
  for (const alg of ['qmix', 'vdn', 'ow-qmix', 'cw-qmix'] as const)
    assert.equal(targetMixerPasses(LEARNERS[alg], 3, 4), 1, alg);
});

test('validation follows the mode entries: density 1 only without masks or shrunk widths, gradual pruning only with masks, another grow rule only where masks evolve', () => {
  for (const mode of SPARSITY_MODES) {
    const kind = SPARSITY_MODE_KINDS[mode];
    const accepts = (o: Parameters<typeof resolveConfig>[1]): boolean => {
      try {
        resolveConfig('default', o);
        return true;
      } catch (err) {
        assert.ok(err instanceof ConfigError, `${mode}: ${String(err)}`);
        return false;
      }
    };
    assert.equal(accepts({ sparsity: { mode, density: 1 } }), !usesDensity(kind), `${mode} at density 1`);
    assert.equal(accepts({ sparsity: { mode, density: 0.5 } }), usesDensity(kind), `${mode} at density 0.5`);
    if (usesDensity(kind)) {
      assert.equal(
        accepts({ sparsity: { mode, density: 0.5 }, pruning: { schedule: 'gradual' } }),
        kind.masked,
        `${mode} pruned gradually`,
      );
      assert.equal(
        accepts({ sparsity: { mode, density: 0.5 }, topology: { grow: 'random' } }),
        kind.grow !== null,
        `${mode} with topology.grow random`,
      );
    }
  }
});

test('only a mode that shrinks widths builds other widths than the configured ones', () => {
  for (const mode of SPARSITY_MODES) {
    const config = resolveConfig('default', { sparsity: { mode, density: mode === 'dense' ? 1 : 0.25 } });
    const widths = networkWidths(config, INFO);
    assert.equal(widths.agent.hidden < config.agent.hidden, SPARSITY_MODE_KINDS[mode].shrinksWidths, mode);
  }
});
