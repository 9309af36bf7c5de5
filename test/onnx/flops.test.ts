/** FLOPs per agent decision of PyTorch exports (Gemm layers, nn.GRU or an unrolled nn.GRUCell). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { agentFlops } from '../../src/onnx/flops.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

// Both fixtures (test/fixtures/make-pymarl-agents.py): In = 14, H = 16, A = 4, dense.
// fc1 Gemm 2·16·14 + 16 bias = 464; ReLU 16; fc2 Gemm 2·4·16 + 4 = 132; the GRU's two products
// 2·48·16 each = 1536 + 1536.
const SHARED = 464 + 16 + 132 + 1536 + 1536;

test('a PyTorch nn.GRU export counts its Gemm layers: 17·H element-wise for the ONNX GRU', () => {
  const flops = agentFlops(readOnnxFile(fixture('pymarl-agent-gru.onnx')).model);
  assert.equal(flops.dense, SHARED + 17 * 16);
  assert.equal(flops.sparse, flops.dense);
});

test('a PyTorch nn.GRUCell export counts the unrolled cell: its bias adds and 10 element-wise ops of width H', () => {
  // Gemm bias adds 2·48 = 96; then Add, Sigmoid, Add, Sigmoid, Mul, Add, Tanh, Sub, Mul, Add: 10·16
  const flops = agentFlops(readOnnxFile(fixture('pymarl-agent-gru-cell.onnx')).model);
  assert.equal(flops.dense, SHARED + 96 + 10 * 16);
  assert.equal(flops.ratio, 1);
});
