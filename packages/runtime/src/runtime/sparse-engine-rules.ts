/**
 * What the sparse engine runs exactly, and nothing else: per op, its domain, operand counts and the
 * attributes (with the values) the engine implements. A node outside these rules is refused when
 * the model is loaded, so the engine never answers where ONNX Runtime would compute something else
 * (or refuse): an op of another domain, GRU `layout = 1`, a clipped or reversed GRU, a Squeeze
 * without axes (which would also drop a batch of one), an attribute it would silently ignore.
 */
import type { AttributeProto, NodeProto } from '../onnx/types.js';

/** The ops the engine runs. */
export const SPARSE_ENGINE_OPS = ['MatMul', 'Add', 'Relu', 'Unsqueeze', 'Squeeze', 'GRU', 'Constant'] as const;

/** Per op: inputs [min, max], outputs [min, max], and the attributes it may carry. */
const RULES: Record<
  (typeof SPARSE_ENGINE_OPS)[number],
  { inputs: [number, number]; outputs: [number, number]; attributes: readonly string[] }
> = {
  MatMul: { inputs: [2, 2], outputs: [1, 1], attributes: [] },
  Add: { inputs: [2, 2], outputs: [1, 1], attributes: [] },
  Relu: { inputs: [1, 1], outputs: [1, 1], attributes: [] },
  // axes is an attribute before opset 13 and an input from 13 on
  Unsqueeze: { inputs: [1, 2], outputs: [1, 1], attributes: ['axes'] },
  Squeeze: { inputs: [1, 2], outputs: [1, 1], attributes: ['axes'] },
  GRU: { inputs: [3, 6], outputs: [1, 2], attributes: ['hidden_size', 'linear_before_reset', 'direction', 'layout'] },
  Constant: { inputs: [0, 0], outputs: [1, 1], attributes: ['value', 'sparse_value'] },
};

/** The attribute `name` of `node`. */
export function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

/**
 * Refuse `node` (through `fail`) unless the engine runs it exactly: default domain, a known op,
 * operand counts and attributes it implements, with the values it implements.
 */
export function checkSupported(node: NodeProto, opset: number, fail: (message: string) => never): void {
  const out = node.output[0] ?? '';
  const domain = node.domain ?? '';
  if (domain !== '' && domain !== 'ai.onnx')
    fail(`uses ${node.opType} of domain '${domain}' ('${out}'); it runs only default-domain ops`);
  const rule = RULES[node.opType as keyof typeof RULES];
  if (!rule || !Object.prototype.hasOwnProperty.call(RULES, node.opType))
    fail(`uses ${node.opType} ('${out}'), which it does not run; it runs ${SPARSE_ENGINE_OPS.join(', ')}`);
  const [minIn, maxIn] = rule.inputs;
  if (node.input.length < minIn || node.input.length > maxIn)
    fail(
      `has a ${node.opType} ('${out}') with ${node.input.length} inputs; it takes ${minIn === maxIn ? minIn : `${minIn} to ${maxIn}`}`,
    );
  const [minOut, maxOut] = rule.outputs;
  if (node.output.length < minOut || node.output.length > maxOut)
    fail(`has a ${node.opType} ('${out}') with ${node.output.length} outputs`);
  const seen = new Set<string>();
  for (const a of node.attribute) {
    if (!rule.attributes.includes(a.name))
      fail(`has a ${node.opType} ('${out}') with attribute '${a.name}', which it does not implement`);
    if (seen.has(a.name)) fail(`has a ${node.opType} ('${out}') with attribute '${a.name}' twice`);
    seen.add(a.name);
  }
  if (node.opType === 'Unsqueeze' || node.opType === 'Squeeze') {
    const fromInput = node.input.length === 2;
    if (opset >= 13 && attribute(node, 'axes'))
      fail(`has a ${node.opType} ('${out}') with an axes attribute, which opset ${opset} takes as an input`);
    if (opset < 13 && fromInput)
      fail(`has a ${node.opType} ('${out}') with an axes input, which opset ${opset} takes as an attribute`);
    if (!fromInput && !attribute(node, 'axes'))
      fail(`has a ${node.opType} ('${out}') without axes; it moves only axis 0`);
  }
  if (node.opType === 'GRU') {
    const layout = attribute(node, 'layout');
    if (layout && Number(layout.i ?? 0) !== 0)
      fail(`has a GRU ('${out}') with layout = ${layout.i}; it runs layout 0 only`);
    const lbr = Number(attribute(node, 'linear_before_reset')?.i ?? 0);
    if (lbr !== 0 && lbr !== 1) fail(`has a GRU ('${out}') with linear_before_reset = ${lbr}`);
    const direction = attribute(node, 'direction');
    if (direction && new TextDecoder().decode(direction.s ?? new Uint8Array()) !== 'forward')
      fail(`has a GRU ('${out}') that is not forward`);
  }
}

/** The axes of a Squeeze/Unsqueeze from its attribute (or `fromInput`, the values of its axes input). */
export function axesOf(node: NodeProto, fromInput: number[] | undefined): number[] {
  return fromInput ?? (attribute(node, 'axes')?.ints ?? []).map(Number);
}
