/**
 * Builders for ONNX messages, mirroring `onnx.helper` (make_tensor, make_sparse_tensor, make_node,
 * make_graph, make_model): small pure functions, required arguments positional, options in one object.
 */
import {
  AttributeType,
  DataType,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type SparseTensorProto,
  type TensorProto,
  type ValueInfoProto,
} from '@mast-toolkit/runtime/internal/onnx/types';
import { floatBytes, int64Bytes, numel } from '@mast-toolkit/runtime/internal/onnx/tensor-data';

/** A dense FLOAT or INT64 tensor; values are stored as raw little-endian bytes. */
export function makeTensor(
  name: string,
  dataType: typeof DataType.FLOAT | typeof DataType.INT64,
  dims: readonly number[],
  values: Float32Array | readonly number[],
): TensorProto {
  if (values.length !== numel(dims))
    throw new RangeError(`makeTensor: '${name}' has ${values.length} values for dims [${dims}]`);
  const rawData = dataType === DataType.FLOAT ? floatBytes(Float32Array.from(values)) : int64Bytes(Array.from(values));
  return { name, dims: [...dims], dataType, rawData };
}

/**
 * A sparse tensor with linearised INT64 indices (`[NNZ]`, strictly ascending, as the checker wants).
 * @param values the NNZ kept values, named as the tensor.
 */
export function makeSparseTensor(
  name: string,
  dims: readonly number[],
  indices: readonly number[],
  values: Float32Array,
): SparseTensorProto {
  if (indices.length !== values.length)
    throw new RangeError(`makeSparseTensor: '${name}' has ${indices.length} indices but ${values.length} values`);
  return {
    values: makeTensor(name, DataType.FLOAT, [values.length], values),
    indices: makeTensor(`${name}_indices`, DataType.INT64, [indices.length], indices),
    dims: [...dims],
  };
}

/** An attribute of kind INT, FLOAT, STRING or INTS, picked from the value's type. */
export function makeAttribute(
  name: string,
  value: number | string | readonly number[],
  kind: 'int' | 'float' = 'int',
): AttributeProto {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: [...value] };
  return kind === 'float'
    ? { name, type: AttributeType.FLOAT, f: value as number }
    : { name, type: AttributeType.INT, i: value as number };
}

/** A node. */
export function makeNode(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  options: { name?: string; attributes?: AttributeProto[]; domain?: string } = {},
): NodeProto {
  return {
    opType,
    input: [...inputs],
    output: [...outputs],
    name: options.name ?? outputs[0] ?? opType,
    attribute: options.attributes ?? [],
    ...(options.domain ? { domain: options.domain } : {}),
  };
}

/** A typed value (graph input/output); string dims are symbolic (e.g. 'batch'). */
export function makeValueInfo(name: string, elemType: number, shape: ReadonlyArray<number | string>): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** A graph. */
export function makeGraph(
  nodes: NodeProto[],
  name: string,
  inputs: ValueInfoProto[],
  outputs: ValueInfoProto[],
  options: { initializers?: TensorProto[]; sparseInitializers?: SparseTensorProto[]; docString?: string } = {},
): GraphProto {
  return {
    node: nodes,
    name,
    input: inputs,
    output: outputs,
    initializer: options.initializers ?? [],
    sparseInitializer: options.sparseInitializers ?? [],
    ...(options.docString ? { docString: options.docString } : {}),
  };
}

/** A model around `graph` (default IR version 8, default-domain opset 17). */
export function makeModel(
  graph: GraphProto,
  options: {
    irVersion?: number;
    opset?: number;
    producerName?: string;
    producerVersion?: string;
    metadata?: Record<string, string>;
    docString?: string;
  } = {},
): ModelProto {
  return {
    irVersion: options.irVersion ?? 8,
    opsetImport: [{ domain: '', version: options.opset ?? 17 }],
    producerName: options.producerName ?? 'mast-toolkit',
    producerVersion: options.producerVersion ?? '',
    graph,
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    ...(options.docString ? { docString: options.docString } : {}),
  };
}
