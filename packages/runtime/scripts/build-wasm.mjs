#!/usr/bin/env node
// Compile the runtime package's WebAssembly text kernels to binaries beside their compiled
// TypeScript (src/kernels/x.wat → dist/kernels/x.wasm, where src/kernels/kernels.ts loads them).
// Runs after tsc in the package's `build` (and so in the repository's `npm run build`).
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import initWabt from 'wabt';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(pkg, 'src');
const sources = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.wat')) sources.push(p);
  }
};
walk(src);
const wabt = await initWabt();
for (const wat of sources) {
  let module;
  try {
    module = wabt.parseWat(wat, readFileSync(wat, 'utf8'), { simd: true });
    module.validate();
  } catch (e) {
    console.error(e.message); // wabt's own message: file:line:column and the token
    process.exit(1);
  }
  const out = join(pkg, 'dist', relative(src, wat)).replace(/\.wat$/, '.wasm');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, module.toBinary({}).buffer);
  module.destroy();
}
