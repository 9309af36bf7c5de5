import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { initBackend, parseBackendName } from '../../src/marl/backend.js';
import { ToolkitError, UnknownNameError } from '@mast-toolkit/runtime/internal/util/errors';

const tfjsNodeInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

test('unknown backend names list the valid ones', () => {
  assert.throws(
    () => parseBackendName('webgpu'),
    (e: unknown) =>
      e instanceof UnknownNameError && /got 'webgpu'; expected one of 'wasm', 'cpu', 'tensorflow'/.test(e.message),
  );
});

test(
  "'tensorflow' without @tensorflow/tfjs-node is a clear E_BACKEND error naming the package and the fix",
  { skip: tfjsNodeInstalled ? '@tensorflow/tfjs-node is installed here' : false },
  async () => {
    await assert.rejects(
      initBackend('tensorflow'),
      (e: unknown) =>
        e instanceof ToolkitError &&
        e.code === 'E_BACKEND' &&
        /@tensorflow\/tfjs-node/.test(e.message) &&
        /--backend wasm/.test(e.message),
    );
  },
);

test('wasm and cpu initialise', async () => {
  assert.equal(await initBackend('cpu'), 'cpu');
  assert.equal(await initBackend('wasm'), 'wasm');
});
