/**
 * The import boundaries of docs/architecture.md, checked by dependency-cruiser (`npm run lint:deps`,
 * the first step of `npm test`). Each heavy dependency is imported by one zone only; the runtime
 * package (packages/runtime/src/) imports nothing but itself, Node, protobufjs and onnxruntime-node;
 * `src/` never imports `cli/`; the deploy path never imports an exporter (the agent model's contract
 * is packages/runtime/src/onnx/agent-contract.ts); no import cycles, type-only imports included.
 * Imports of `@mast-toolkit/runtime` resolve to the package's TypeScript sources (its `mast-source`
 * export condition), so rules and cycles are checked across the two packages.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'modules form layers: a cycle (type-only imports included) means a concept is split between two files; move the shared part into a types-only or contract module beneath both',
      from: {},
      to: { circular: true },
    },
    {
      name: 'tfjs-only-in-marl',
      severity: 'error',
      comment:
        "tfjs is the learning zone's (src/marl/, whose backend.ts chooses the backend); tests and benchmarks may drive it directly",
      from: { pathNot: '^(src/marl|test|bench)/' },
      to: { path: '@tensorflow/' },
    },
    {
      name: 'protobufjs-only-in-onnx',
      severity: 'error',
      comment:
        "the ONNX schema is the runtime package's onnx/ (schema.ts); others read and write models through its builders, encodeModel and decodeModel",
      from: { pathNot: '^packages/runtime/src/onnx/' },
      to: { path: 'protobufjs' },
    },
    {
      name: 'onnxruntime-only-in-ort-adapter',
      severity: 'error',
      comment:
        'onnxruntime-node (an optional peer dependency, loaded on demand by load-ort.ts) is imported by packages/runtime/src/runtime/ort.ts alone (tests may compare against it)',
      from: { pathNot: '^(packages/runtime/src/runtime/ort\\.ts|test/)' },
      to: { path: 'onnxruntime-node' },
    },
    {
      name: 'ort-adapter-loaded-on-demand',
      severity: 'error',
      comment:
        'onnxruntime-node is optional: code that may run without it reaches ort.ts through loadOrt() (runtime/load-ort.ts), which turns its absence into E_DEPENDENCY; type-only imports are fine (tests and benchmarks, which always have it, may import it)',
      from: { pathNot: '^(packages/runtime/src/runtime/load-ort\\.ts|test/|bench/)' },
      to: { path: '^packages/runtime/src/runtime/ort\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'runtime-package-is-self-contained',
      severity: 'error',
      comment:
        "the runtime package ships alone: it imports only its own files, Node's built-ins, protobufjs and onnxruntime-node (never tfjs, bullmq, commander or the toolkit's src/)",
      from: { path: '^packages/runtime/src/' },
      to: {
        pathNot: '^(packages/runtime/src/|node_modules/(protobufjs|onnxruntime-node)/)',
        dependencyTypesNot: ['core'],
      },
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
      comment:
        'the HTTP server of `mast serve` (src/serve/) is the only user of fastify; the runtime it serves stays free of it',
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
      comment:
        "running and checking a model needs the agent model's contract (packages/runtime/src/onnx/agent-contract.ts), not the exporters",
      from: { path: '^(packages/runtime/src/|src/verify/|cli/commands/(eval|inspect)\\.ts$)' },
      to: { path: '^src/onnx/export-' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|packages/runtime/dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['mast-source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    cache: false,
  },
};
