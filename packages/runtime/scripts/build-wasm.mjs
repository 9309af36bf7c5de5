#!/usr/bin/env node
// Compile the runtime package's WebAssembly text kernels to binaries beside their compiled
// TypeScript (src/kernels/x.wat → dist/kernels/x.wasm, where src/kernels/kernels.ts loads them).
// Runs after tsc in the package's `build` (and so in the repository's `npm run build`).
//
// A kernel file that uses `f32x4.relaxed_madd` (relaxed SIMD's fused multiply-add) gives two
// binaries: x.relaxed.wasm as written, and x.wasm, where every (f32x4.relaxed_madd a b c) is
// rewritten to (f32x4.add (f32x4.mul a b) c), plain 128-bit SIMD, for runtimes without relaxed SIMD
// (Node 20 has it only behind --experimental-wasm-relaxed-simd). src/kernels/kernels.ts picks one
// at start-up.
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

const MADD = '(f32x4.relaxed_madd';

/** The end (exclusive) of the s-expression or token starting at `i` (comments inside are not expected). */
function exprEnd(text, i) {
  if (text[i] !== '(') {
    let j = i;
    while (j < text.length && !/[\s()]/.test(text[j])) j++;
    return j;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    if (text[j] === '(') depth++;
    else if (text[j] === ')' && --depth === 0) return j + 1;
  }
  throw new Error(`unbalanced parentheses from offset ${i}`);
}

/** `text` with every (f32x4.relaxed_madd a b c) as (f32x4.add (f32x4.mul a b) c), nested ones too. */
export function withoutRelaxedMadd(text) {
  let out = '';
  let i = 0;
  for (;;) {
    const at = text.indexOf(MADD, i);
    if (at < 0) return out + text.slice(i);
    out += text.slice(i, at);
    let j = at + MADD.length;
    const args = [];
    for (let n = 0; n < 3; n++) {
      while (/\s/.test(text[j])) j++;
      const end = exprEnd(text, j);
      args.push(withoutRelaxedMadd(text.slice(j, end)));
      j = end;
    }
    while (/\s/.test(text[j])) j++;
    if (text[j] !== ')') throw new Error(`f32x4.relaxed_madd at offset ${at} does not take exactly three operands`);
    out += `(f32x4.add (f32x4.mul ${args[0]} ${args[1]}) ${args[2]})`;
    i = j + 1;
  }
}

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
  if (text.includes(MADD))
    compile(wat, text, out.replace(/\.wasm$/, '.relaxed.wasm'), { simd: true, relaxed_simd: true });
}
