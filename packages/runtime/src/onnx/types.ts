/**
 * Plain TypeScript shapes of the ONNX protobuf messages the toolkit reads and writes (a subset of
 * onnx.proto, field names in protobufjs's camelCase). int64 fields are JS numbers: every value the
 * toolkit handles (dims, indices, versions) is far below 2^53.
 */

/** `TensorProto.DataType` values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const;
/** A `TensorProto.DataType` value. */
export type DataTypeValue = (typeof DataType)[keyof typeof DataType];

/** `AttributeProto.AttributeType` values used here. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  SPARSE_TENSOR: 11,
} as const;

/** A dense tensor (an initializer, or the values/indices of a sparse one). */
export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  /** Little-endian bytes of the elements (what the toolkit writes). */
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  /** Read only to refuse them: the toolkit's tensors never use these fields. */
  doubleData?: number[];
  uint64Data?: number[];
  stringData?: Uint8Array[];
  /** Where ONNX Runtime would read the data from a file: never accepted (see validate.ts). */
  externalData?: StringStringEntryProto[];
  /** 0 = DEFAULT (embedded), 1 = EXTERNAL. */
  dataLocation?: number;
  docString?: string;
}

/** A sparse tensor: `values` `[NNZ]`, `indices` `[NNZ]` (linearised) or `[NNZ, rank]`, and the dense `dims`. */
export interface SparseTensorProto {
  values: TensorProto;
  indices: TensorProto;
  dims: number[];
}

/** A node attribute. */
export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  t?: TensorProto;
  sparseTensor?: SparseTensorProto;
  tensors?: TensorProto[];
  sparseTensors?: SparseTensorProto[];
}

/** A graph node. */
export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute: AttributeProto[];
  docString?: string;
}

/** One dimension: a size or a symbolic name. */
export interface Dimension {
  dimValue?: number;
  dimParam?: string;
}

/** A typed, shaped graph input, output or intermediate value. */
export interface ValueInfoProto {
  name: string;
  type: { tensorType: { elemType: number; shape?: { dim: Dimension[] } } };
  docString?: string;
}

/** A computation graph. */
export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  sparseInitializer: SparseTensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
  docString?: string;
}

/** An operator-set import. */
export interface OperatorSetIdProto {
  domain: string;
  version: number;
}

/** A key/value metadata entry. */
export interface StringStringEntryProto {
  key: string;
  value: string;
}

/** A model: a graph plus versioning and metadata. */
export interface ModelProto {
  irVersion: number;
  opsetImport: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph: GraphProto;
  metadataProps: StringStringEntryProto[];
}
