#!/usr/bin/env node
// Compile the runtime package's WebAssembly text kernels to binaries beside their compiled
// TypeScript (src/kernels/x.wat → dist/kernels/x.wasm, where src/kernels/kernels.ts loads them).
// Runs after tsc in the package's `build` (and so in the repository's `npm run build`).
//
// A kernel file that uses `f32x4.relaxed_madd` (relaxed SIMD's fused multiply-add) gives two
// binaries: x.relaxed.wasm as written, and x.wasm, where every (f32x4.relaxed_madd a b c) is
// rewritten to (f32x4.add (f32x4.mul a b) c), plain 128-bit SIMD, for runtimes without relaxed SIMD
// (Node 20 has it only behind --experimental-wasm-relaxed-simd). src/kernels/kernels.ts picks one
// at start-up. The rewrite is scripts/relaxed-madd.mjs.
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import initWabt from 'wabt';
import { usesRelaxedMadd, withoutRelaxedMadd } from './relaxed-madd.mjs';

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
/** Parse, validate and write one binary. */
function compile(wat, text, out, features) {
  let module;
  try {
    module = wabt.parseWat(wat, text, features);
    module.validate();
  } catch (e) {
    console.error(e.message); // wabt's own message: file:line:column and the token
    process.exit(1);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, module.toBinary({}).buffer);
  module.destroy();
}
for (const wat of sources) {
  const text = readFileSync(wat, 'utf8');
  const out = join(pkg, 'dist', relative(src, wat)).replace(/\.wat$/, '.wasm');
  compile(wat, withoutRelaxedMadd(text), out, { simd: true });
  if (usesRelaxedMadd(text))
    compile(wat, text, out.replace(/\.wasm$/, '.relaxed.wasm'), { simd: true, relaxed_simd: true });
}
