/** What `readAgentMetadata` says about files that are not agents of this toolkit (eval, replay, import read it). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readAgentMetadata } from '../../src/onnx/export-agent.js';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { validModel } from './fixtures.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

test('a PyTorch export is pointed at `mast import`, the step that makes it an agent of this toolkit', () => {
  const { model } = readOnnxFile(fixture('pymarl-agent-gru.onnx'));
  assert.throws(
    () => readAgentMetadata(model, 'pymarl-agent-gru.onnx'),
    (e: unknown) =>
      e instanceof ToolkitError &&
      /not an agent exported by this toolkit/.test(e.message) &&
      /mast import/.test(e.hint ?? ''),
  );
});

test('a mixer file is named as the mixer, with the agent file as the way on', () => {
  const model = validModel();
  model.metadataProps = [
    { key: 'mast.graph', value: 'mixer' },
    { key: 'mast.mixer', value: 'qmix' },
  ];
  assert.throws(
    () => readAgentMetadata(model, 'agent.mixer.onnx'),
    (e: unknown) =>
      e instanceof ToolkitError &&
      /agent\.mixer\.onnx is a mixing network/.test(e.message) &&
      !/not an agent exported by this toolkit/.test(e.message) &&
      /agent file/.test(e.hint ?? ''),
  );
});
