/**
 * Seeded fuzzing of model loading: 1,200 damaged or adversarial ONNX files (byte-level flips,
 * truncations, insertions; semantic damage to dims, indices, types, attributes, metadata and graph
 * wiring), each fed to `OnnxPolicy` on both engines, to the validator and inspector, and to the
 * importer with its numerical check against ONNX Runtime. For every case: a ToolkitError or clean acceptance, nothing else; a few seconds at most;
 * bounded memory; and when both engines accept a model they choose the same actions with the same
 * Q-values (within 1e-4), or one of them refuses. A failure names the case's seed so it replays.
 */
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { exportAgent } from '../../src/onnx/export-agent.js';
import { decodeModel, encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { validateModel } from '@mast-toolkit/runtime/internal/onnx/validate';
import { inspectModel } from '@mast-toolkit/runtime/internal/onnx/inspect';
import { importAgent } from '../../src/onnx/import-agent.js';
import { checkImport } from '../../src/verify/import-check.js';
import { makeAttribute, makeNode } from '../../src/onnx/builders.js';
import { floatBytes, int64Bytes, readFloats, readInts } from '@mast-toolkit/runtime/internal/onnx/tensor-data';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import { Rng } from '../../src/util/rng.js';
import type { ModelProto, TensorProto } from '@mast-toolkit/runtime/internal/onnx/types';
import { snapshot, toCoordinateIndices } from '../onnx/fixtures.js';
import { mutateBytes } from './mutate.js';

const BYTE_CASES = 700;
const SEMANTIC_CASES = 500;
/** Longest a single case may take (both engines, import and inspect). */
const CASE_MS = 3000;
/** Most the resident set may grow over the whole suite. */
const RSS_GROWTH = 1024 * 1024 * 1024;

/**
 * The seed models: sparse initializers, Constant(sparse_value) nodes, dense, coordinate-form indices,
 * and a pymarl agent exported from PyTorch (decomposed GRUCell, no `mast.*` metadata: the importer's path).
 */
function seeds(): ModelProto[] {
  const snap = snapshot(0.3, 21);
  const pytorch = fileURLToPath(new URL('../../../test/fixtures/pymarl-agent-gru-cell.onnx', import.meta.url));
  return [
    exportAgent(snap, { format: 'sparse' }),
    exportAgent(snap, { format: 'sparse', sparseEncoding: 'constant' }),
    exportAgent(snap, { format: 'dense' }),
    toCoordinateIndices(structuredClone(exportAgent(snap, { format: 'sparse' }))),
    decodeModel(new Uint8Array(readFileSync(pytorch)), 'pymarl-agent-gru-cell.onnx'),
  ];
}

const pick = <T>(items: readonly T[], rng: Rng): T => items[rng.int(items.length)] as T;

/** Every dense tensor of a model (initializers, sparse values and indices, Constant values). */
function tensors(m: ModelProto): TensorProto[] {
  const out: TensorProto[] = [...m.graph.initializer];
  for (const s of m.graph.sparseInitializer) out.push(s.values, s.indices);
  for (const n of m.graph.node)
    for (const a of n.attribute) {
      if (a.t) out.push(a.t);
      if (a.sparseTensor) out.push(a.sparseTensor.values, a.sparseTensor.indices);
    }
  return out;
}

const DIMS = [0, 1, 2, 3, 5, 14, 16, 48, -1, 46341, 2 ** 31, 2 ** 40];
const TYPES = [0, 1, 2, 6, 7, 10, 11, 16, 99];
const OPS = [
  'Tanh',
  'Sigmoid',
  'MatMul',
  'Add',
  'Relu',
  'Identity',
  'Gemm',
  'GRU',
  'Squeeze',
  'Unsqueeze',
  'Mul',
  'Foo',
];
const META = [
  '',
  'NaN',
  '-1',
  '0',
  '3.5',
  '1e9',
  '5e8',
  '65537',
  '{',
  'null',
  '[]',
  '{"obs":1e9,"lastAction":0,"agentId":0}',
  '{"obs":6,"lastAction":5,"agentId":3}',
  '{"obs":6,"lastAction":5}',
  '\u0000\uffff',
];
const META_KEYS = [
  'mast.hidden',
  'mast.n_actions',
  'mast.n_agents',
  'mast.input_layout',
  'mast.density',
  'mast.seed',
  'mast.config',
  'mast.graph',
  'mast.trained_steps',
  'mast.train_flops_ratio',
];
const ATTRS: Array<[string, number | string | number[]]> = [
  ['layout', 1],
  ['layout', 0],
  ['clip', 1],
  ['direction', 'reverse'],
  ['direction', 'forward'],
  ['hidden_size', 8],
  ['hidden_size', 0],
  ['hidden_size', 2 ** 30],
  ['linear_before_reset', 0],
  ['linear_before_reset', 2],
  ['axes', [1]],
  ['axes', [0]],
  ['transA', 1],
  ['activations', 'Relu'],
];

/** Semantic damage: one edit of the decoded model, drawn from `rng`; returns its name. */
const SEMANTIC: Array<[string, (m: ModelProto, rng: Rng) => void]> = [
  [
    'dim',
    (m, rng) => {
      const t = pick(tensors(m), rng);
      if (t.dims.length > 0) t.dims[rng.int(t.dims.length)] = pick(DIMS, rng);
      else t.dims = [pick(DIMS, rng)];
    },
  ],
  [
    'sparse-dims',
    (m, rng) => {
      const s =
        m.graph.sparseInitializer[0] ??
        m.graph.node.find((n) => n.attribute[0]?.sparseTensor)?.attribute[0]?.sparseTensor;
      if (s) s.dims = rng.next() < 0.5 ? [46341, 46341] : s.dims.map((d) => (rng.next() < 0.5 ? d : pick(DIMS, rng)));
    },
  ],
  [
    'indices',
    (m, rng) => {
      const s = m.graph.sparseInitializer[rng.int(Math.max(1, m.graph.sparseInitializer.length))];
      if (!s) return;
      const idx = readInts(s.indices);
      if (idx.length < 2) return;
      const k = rng.int(idx.length);
      const kind = rng.int(5);
      if (kind === 0) [idx[0], idx[k]] = [idx[k]!, idx[0]!];
      else if (kind === 1) idx[k] = -1 - rng.int(5);
      else if (kind === 2) idx[k] = idx[k]! + 1 + rng.int(1000);
      else if (kind === 3) idx[k] = idx[Math.max(0, k - 1)]!;
      else idx.splice(k, 1);
      s.indices.rawData = int64Bytes(idx);
      delete s.indices.int64Data;
    },
  ],
  ['data-type', (m, rng) => (pick(tensors(m), rng).dataType = pick(TYPES, rng))],
  [
    'raw-data',
    (m, rng) => {
      const t = pick(tensors(m), rng);
      const raw = t.rawData ?? new Uint8Array(0);
      const kind = rng.int(3);
      if (kind === 0) t.rawData = raw.slice(0, Math.max(0, raw.length - 1 - rng.int(8)));
      else if (kind === 1) t.floatData = [1, 2, 3];
      else t.rawData = new Uint8Array(raw.length + 4);
    },
  ],
  [
    'weight-value',
    (m, rng) => {
      const t = pick(
        tensors(m).filter((x) => x.dataType === 1),
        rng,
      );
      const v = readFloats(t);
      if (v.length === 0) return;
      v[rng.int(v.length)] = pick([NaN, Infinity, -Infinity, 3e38, -3e38, 1e-45, 0], rng);
      t.rawData = floatBytes(v);
      delete t.floatData;
    },
  ],
  [
    'external-data',
    (m, rng) => {
      const t = pick(tensors(m), rng);
      t.dataLocation = 1;
      if (rng.next() < 0.5) t.externalData = [{ key: 'location', value: '/etc/hostname' }];
    },
  ],
  [
    'attribute-add',
    (m, rng) => {
      const [name, value] = pick(ATTRS, rng);
      pick(m.graph.node, rng).attribute.push(makeAttribute(name, value));
    },
  ],
  [
    'attribute-edit',
    (m, rng) => {
      const n = pick(m.graph.node, rng);
      const a = n.attribute[rng.int(Math.max(1, n.attribute.length))];
      if (!a) return;
      if (rng.next() < 0.3) n.attribute = n.attribute.filter((x) => x !== a);
      else if (a.i !== undefined) a.i = pick([0, 1, -1, 2, 8, 2 ** 30], rng);
      else a.name = pick(['hidden_size', 'layout', 'axes', 'value', 'x'], rng);
    },
  ],
  [
    'metadata',
    (m, rng) => {
      const key = pick(META_KEYS, rng);
      const value =
        rng.next() < 0.8
          ? pick(META, rng)
          : String.fromCharCode(...Array.from({ length: rng.int(20) }, () => rng.int(0x3000)));
      const p = m.metadataProps.find((x) => x.key === key);
      if (p && rng.next() < 0.2) m.metadataProps = m.metadataProps.filter((x) => x !== p);
      else if (p) p.value = value;
      else m.metadataProps.push({ key, value });
    },
  ],
  [
    'wiring',
    (m, rng) => {
      const g = m.graph;
      const names = [
        ...g.input.map((i) => i.name),
        ...g.node.flatMap((n) => n.output),
        ...g.initializer.map((t) => t.name),
        '',
        'nowhere',
      ];
      const n = pick(g.node, rng);
      const kind = rng.int(7);
      if (kind === 0 && n.input.length > 1) [n.input[0], n.input[1]] = [n.input[1]!, n.input[0]!];
      else if (kind === 1 && n.input.length > 0) n.input[rng.int(n.input.length)] = pick(names, rng);
      else if (kind === 2) n.output[0] = pick(names, rng);
      else if (kind === 3) g.node.splice(rng.int(g.node.length), 1);
      else if (kind === 4) g.node.splice(rng.int(g.node.length), 0, structuredClone(n));
      else if (kind === 5) [g.output[0], g.output[1]] = [g.output[1]!, g.output[0]!];
      else
        g.node.splice(
          rng.int(g.node.length + 1),
          0,
          makeNode('Identity', [pick(names, rng)], [rng.next() < 0.5 ? '' : `id${rng.int(100)}`]),
        );
    },
  ],
  [
    'op-type',
    (m, rng) => {
      const n = pick(m.graph.node, rng);
      if (rng.next() < 0.8) n.opType = pick(OPS, rng);
      else n.domain = pick(['com.example', 'ai.onnx', 'com.microsoft', ''], rng);
    },
  ],
  [
    'opset',
    (m, rng) =>
      (m.opsetImport =
        rng.next() < 0.8 ? [{ domain: '', version: 7 + rng.int(15) }] : [{ domain: 'ai.onnx.ml', version: 1 }]),
  ],
  [
    'io-signature',
    (m, rng) => {
      const v = pick([...m.graph.input, ...m.graph.output], rng);
      const kind = rng.int(3);
      if (kind === 0) v.type.tensorType.elemType = pick(TYPES, rng);
      else if (kind === 1)
        v.type.tensorType.shape = { dim: [{ dimValue: pick(DIMS, rng) }, { dimValue: pick(DIMS, rng) }] };
      else v.type.tensorType.shape = { dim: [{ dimParam: 'batch' }, { dimValue: pick(DIMS, rng) }] };
    },
  ],
];

/** A case's outcome on one path: accepted, or refused with a ToolkitError. */
function expectToolkit(what: string, e: unknown): void {
  assert.ok(
    e instanceof ToolkitError,
    `${what}: expected a ToolkitError, got ${e instanceof Error ? `${e.constructor.name}: ${e.message}\n${e.stack}` : String(e)}`,
  );
}

/** Run one case; returns which engines accepted the model. */
async function runCase(what: string, bytes: Uint8Array, rng: Rng): Promise<{ ort: boolean; sparse: boolean }> {
  // validator, inspector, importer
  try {
    const model = decodeModel(bytes, what);
    validateModel(model);
    inspectModel(model);
    const width =
      model.graph.input[0]?.type.tensorType.shape?.dim?.[1]?.dimValue === 14
        ? { obs: 7, lastAction: 4, agentId: 3 }
        : { obs: 6, lastAction: 5, agentId: 3 };
    const snap = importAgent(model, { what, inputLayout: width, nAgents: 3 });
    await checkImport(bytes, model, snap, what); // what `mast import` does next: the numbers must match ONNX Runtime
  } catch (e) {
    expectToolkit(`${what} (import)`, e);
  }
  // both engines, same observations
  const obs = [0, 1, 2].map(() => Float32Array.from({ length: 6 }, () => rng.uniform(-2, 2)));
  const results: Record<'ort' | 'sparse', { q: Float32Array[]; actions: number[][] } | Error | null> = {
    ort: null,
    sparse: null,
  };
  for (const engine of ['ort', 'sparse'] as const) {
    let policy: OnnxPolicy | null = null;
    try {
      policy = await OnnxPolicy.create(bytes, { engine });
      const out = { q: [] as Float32Array[], actions: [] as number[][] };
      for (let t = 0; t < 2; t++) {
        const step = await policy.step(obs.map((o) => o.subarray(0, policy!.metadata.inputLayout.obs)));
        out.q.push(step.qValues);
        out.actions.push(step.actions);
      }
      results[engine] = out;
    } catch (e) {
      expectToolkit(`${what} (${engine})`, e);
      results[engine] = policy ? (e as Error) : null; // a step refused after a load accepted
    } finally {
      await policy?.close();
    }
  }
  const [a, b] = [results.ort, results.sparse];
  if (a && b && !(a instanceof Error) && !(b instanceof Error)) {
    assert.deepEqual(b.actions, a.actions, `${what}: the engines choose different actions`);
    a.q.forEach((qa, t) =>
      qa.forEach((x, i) =>
        assert.ok(
          Math.abs(x - b.q[t]![i]!) <= 1e-4 * (1 + Math.abs(x)),
          `${what}: step ${t} Q[${i}] ort ${x} vs sparse ${b.q[t]![i]}`,
        ),
      ),
    );
  }
  // one engine may refuse what the other runs (e.g. a GRU fed ±Inf: ONNX Runtime's clamped gates stay
  // finite, the sparse engine's do not and it refuses the step with E_NUMERIC); it never answers differently
  return { ort: a !== null && !(a instanceof Error), sparse: b !== null && !(b instanceof Error) };
}

test(`fuzz: ${BYTE_CASES} byte-level and ${SEMANTIC_CASES} semantic damaged models give ToolkitErrors or agree across engines, promptly, in bounded memory`, async () => {
  const models = seeds();
  const encoded = models.map((m) => encodeModel(m));
  const rss0 = process.memoryUsage().rss;
  let maxRss = rss0;
  let slowest = 0;
  const accepted = { ort: 0, sparse: 0, both: 0 };
  const rng = new Rng(2025);
  for (let c = 0; c < BYTE_CASES + SEMANTIC_CASES; c++) {
    const seed = rng.nextUint32();
    const caseRng = new Rng(seed);
    const base = caseRng.int(models.length);
    let bytes: Uint8Array;
    let what: string;
    if (c < BYTE_CASES) {
      const m = mutateBytes(encoded[base]!, caseRng, 1 + caseRng.int(3));
      bytes = m.bytes;
      what = `case ${c} (seed ${seed}, model ${base}, bytes: ${m.applied.join(', ')})`;
    } else {
      const m = structuredClone(models[base]!);
      const applied: string[] = [];
      for (let k = 1 + caseRng.int(2); k > 0; k--) {
        const [name, edit] = pick(SEMANTIC, caseRng);
        edit(m, caseRng);
        applied.push(name);
      }
      what = `case ${c} (seed ${seed}, model ${base}, semantic: ${applied.join(', ')})`;
      bytes = encodeModel(m);
    }
    const t0 = performance.now();
    const ok = await runCase(what, bytes, caseRng);
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    assert.ok(ms < CASE_MS, `${what} took ${ms.toFixed(0)} ms`);
    accepted.ort += Number(ok.ort);
    accepted.sparse += Number(ok.sparse);
    accepted.both += Number(ok.ort && ok.sparse);
    if (c % 50 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss);
  }
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
  assert.ok(maxRss - rss0 < RSS_GROWTH, `resident set grew by ${((maxRss - rss0) / 1e6).toFixed(0)} MB`);
  // the suite exercises both outcomes: some damage is harmless (a flipped weight), most is refused
  assert.ok(accepted.both > 20 && accepted.both < BYTE_CASES + SEMANTIC_CASES - 100, JSON.stringify(accepted));
  console.log(
    `# fuzz models: ${JSON.stringify(accepted)} accepted; slowest case ${slowest.toFixed(0)} ms; rss +${((maxRss - rss0) / 1e6).toFixed(0)} MB`,
  );
});
