import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportAgentBytes } from '../../src/onnx/export-agent.js';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { makeEnv } from '../../src/envs/registry.js';
import { recordReplay } from '../../src/verify/replay.js';
import { replayHtml, replaySvg } from '../../src/verify/replay-svg.js';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import type { RnnAgentArchitecture } from '@mast-toolkit/runtime/internal/snapshot/types';
import { snapshot } from '../onnx/fixtures.js';

/** A random agent sized for `envId` (obs ⊕ last action ⊕ agent id), as an ONNX policy. */
async function randomPolicy(envId: string): Promise<OnnxPolicy> {
  const info = makeEnv(envId).getEnvInfo();
  const arch: RnnAgentArchitecture = {
    kind: 'rnn-agent',
    inputLayout: { obs: info.obsShape, lastAction: info.nActions, agentId: info.nAgents },
    hidden: 8,
    nActions: info.nActions,
    nAgents: info.nAgents,
  };
  const snap = snapshot(0.5, 3, arch);
  return OnnxPolicy.create(exportAgentBytes({ ...snap, metadata: { ...snap.metadata, env: envId } }));
}

test('a replay keeps one frame per step plus the start, and its return is the sum of its rewards', async () => {
  for (const id of ['lbf/8x8-2p-2f-coop', 'mpe/spread-3']) {
    const policy = await randomPolicy(id);
    const replay = await recordReplay(makeEnv(id), policy, 5);
    await policy.close();
    const limit = makeEnv(id).getEnvInfo().episodeLimit;
    assert.equal(replay.frames.length, replay.actions.length + 1);
    assert.ok(replay.actions.length >= 1 && replay.actions.length <= limit);
    assert.ok(Math.abs(replay.return - replay.rewards.reduce((a, r) => a + r, 0)) < 1e-9);
    const svg = replaySvg(replay, `${id} <test>`);
    assert.ok(svg.startsWith('<svg') && svg.includes('&lt;test&gt;'), 'an escaped title');
    const panels = (svg.match(/t = \d+/g) ?? []).length;
    assert.equal(panels, Math.min(8, replay.frames.length));
    const agents = (svg.match(/<circle /g) ?? []).length;
    assert.equal(agents, panels * (id.startsWith('lbf') ? 2 : 3), 'every agent drawn in every panel');
    const html = replayHtml(replay, id);
    assert.ok(html.includes('<input id="t" type="range"') && html.includes(`max="${replay.frames.length - 1}"`));
  }
});

test('a battlefield replay draws the terrain, every living unit and their health bars', async () => {
  const policy = await randomPolicy('smaclite/3m');
  const replay = await recordReplay(makeEnv('smaclite/3m'), policy, 2);
  await policy.close();
  const first = replay.frames[0]!;
  assert.equal(first.kind, 'units');
  const svg = replaySvg({ ...replay, frames: [first] }, '3m');
  assert.equal((svg.match(/<circle /g) ?? []).length, 6, '3 allies and 3 enemies at the start');
  assert.equal((svg.match(/fill="#2ca02c"/g) ?? []).length, 6, 'one health bar per unit');
  assert.ok(svg.includes('fill="#e9efe3"'), 'walkable ground drawn');
});

test('the same seed replays the same episode; environments without pictures say so', async () => {
  const policy = await randomPolicy('mpe/spread-3');
  const a = await recordReplay(makeEnv('mpe/spread-3'), policy, 9);
  const b = await recordReplay(makeEnv('mpe/spread-3'), policy, 9);
  assert.deepEqual(b, a);
  await assert.rejects(
    recordReplay(makeEnv('recall'), policy, 0),
    (e: unknown) => e instanceof ToolkitError && /recall has no pictures/.test(e.message),
  );
  await policy.close();
});
