/**
 * The import boundaries of docs/architecture.md, checked by dependency-cruiser (`npm run lint:deps`,
 * the first step of `npm test`). Each heavy dependency is imported by one zone only; `src/` never
 * imports `cli/`; the deploy path never imports an exporter (the agent model's contract is
 * `src/onnx/agent-contract.ts`); no import cycles, type-only imports included.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'modules form layers: a cycle (type-only imports included) means a concept is split between two files; move the shared part into a types-only or contract module beneath both',
      from: {},
      to: { circular: true },
    },
    {
      name: 'tfjs-only-in-marl',
      severity: 'error',
      comment: 'tfjs is the learning zone\'s (src/marl/, whose backend.ts chooses the backend); tests and benchmarks may drive it directly',
      from: { pathNot: '^(src/marl|test|bench)/' },
      to: { path: '@tensorflow/' },
    },
    {
      name: 'protobufjs-only-in-onnx',
      severity: 'error',
      comment: 'the ONNX schema is src/onnx/\'s; others read and write models through its builders, encodeModel and decodeModel',
      from: { pathNot: '^src/onnx/' },
      to: { path: 'protobufjs' },
    },
    {
      name: 'onnxruntime-only-in-ort-adapter',
      severity: 'error',
      comment: 'onnxruntime-node is imported by src/runtime/ort.ts alone (tests may compare against it)',
      from: { pathNot: '^(src/runtime/ort\\.ts|test/)' },
      to: { path: 'onnxruntime-node' },
    },
    {
      name: 'bullmq-only-in-study-queue',
      severity: 'error',
      comment: 'the study queue (src/study/queue/) is the only user of bullmq and Redis',
      from: { pathNot: '^src/study/queue/' },
      to: { path: 'bullmq' },
    },
    {
      name: 'fastify-only-in-serve',
      severity: 'error',
      comment: 'the HTTP server of `mast serve` (src/serve/) is the only user of fastify; the runtime it serves stays free of it',
      from: { pathNot: '^(src/serve|test)/' },
      to: { path: 'fastify' },
    },
    {
      name: 'src-never-imports-cli',
      severity: 'error',
      comment: 'the library (src/) is beneath the command line (cli/): move what both need into src/',
      from: { path: '^src/' },
      to: { path: '^cli/' },
    },
    {
      name: 'deploy-path-never-imports-exporters',
      severity: 'error',
      comment: 'running and checking a model needs the agent model\'s contract (src/onnx/agent-contract.ts), not the exporters',
      from: { path: '^(src/runtime/|src/verify/|cli/commands/(eval|inspect)\\.ts$)' },
      to: { path: '^src/onnx/export-' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    cache: false,
  },
};
