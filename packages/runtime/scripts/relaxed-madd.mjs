// The plain-SIMD spelling of relaxed SIMD's fused multiply-add, for scripts/build-wasm.mjs (and the
// tests that compile frozen copies of old kernels the same way): every (f32x4.relaxed_madd a b c)
// becomes (f32x4.add (f32x4.mul a b) c).

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

/** Whether `text` uses relaxed SIMD's fused multiply-add (and so has two builds). */
export function usesRelaxedMadd(text) {
  return text.includes(MADD);
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
