#!/usr/bin/env node
// Compile the WebAssembly text kernels under src/ to binaries beside their compiled TypeScript in
// dist/ (src/kernels/x.wat → dist/src/kernels/x.wasm). Runs after tsc in `build`.
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import initWabt from 'wabt';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.wat')) sources.push(p);
  }
};
walk(join(root, 'src'));
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
  const out = join(root, 'dist', relative(root, wat)).replace(/\.wat$/, '.wasm');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, module.toBinary({}).buffer);
  module.destroy();
}
