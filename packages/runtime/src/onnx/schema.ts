/**
 * The ONNX protobuf schema (the subset of onnx.proto the toolkit uses, field numbers as in
 * onnx/onnx.proto) and encoding/decoding. This file is the only importer of protobufjs.
 */
import protobuf from 'protobufjs';
import { ToolkitError } from '../util/errors.js';
import type { ModelProto } from './types.js';

const f = (type: string, id: number, rule?: 'repeated') => (rule ? { type, id, rule } : { type, id });

const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: f('string', 1),
            docString: f('string', 13),
            type: f('int32', 20),
            f: f('float', 2),
            i: f('int64', 3),
            s: f('bytes', 4),
            t: f('TensorProto', 5),
            sparseTensor: f('SparseTensorProto', 22),
            floats: f('float', 7, 'repeated'),
            ints: f('int64', 8, 'repeated'),
            strings: f('bytes', 9, 'repeated'),
            tensors: f('TensorProto', 10, 'repeated'),
            sparseTensors: f('SparseTensorProto', 23, 'repeated'),
          },
        },
        ValueInfoProto: { fields: { name: f('string', 1), type: f('TypeProto', 2), docString: f('string', 3) } },
        NodeProto: {
          fields: {
            input: f('string', 1, 'repeated'),
            output: f('string', 2, 'repeated'),
            name: f('string', 3),
            opType: f('string', 4),
            domain: f('string', 7),
            attribute: f('AttributeProto', 5, 'repeated'),
            docString: f('string', 6),
          },
        },
        StringStringEntryProto: { fields: { key: f('string', 1), value: f('string', 2) } },
        OperatorSetIdProto: { fields: { domain: f('string', 1), version: f('int64', 2) } },
        ModelProto: {
          fields: {
            irVersion: f('int64', 1),
            opsetImport: f('OperatorSetIdProto', 8, 'repeated'),
            producerName: f('string', 2),
            producerVersion: f('string', 3),
            domain: f('string', 4),
            modelVersion: f('int64', 5),
            docString: f('string', 6),
            graph: f('GraphProto', 7),
            metadataProps: f('StringStringEntryProto', 14, 'repeated'),
          },
        },
        GraphProto: {
          fields: {
            node: f('NodeProto', 1, 'repeated'),
            name: f('string', 2),
            initializer: f('TensorProto', 5, 'repeated'),
            sparseInitializer: f('SparseTensorProto', 15, 'repeated'),
            docString: f('string', 10),
            input: f('ValueInfoProto', 11, 'repeated'),
            output: f('ValueInfoProto', 12, 'repeated'),
            valueInfo: f('ValueInfoProto', 13, 'repeated'),
          },
        },
        TensorProto: {
          fields: {
            dims: f('int64', 1, 'repeated'),
            dataType: f('int32', 2),
            floatData: f('float', 4, 'repeated'),
            int32Data: f('int32', 5, 'repeated'),
            int64Data: f('int64', 7, 'repeated'),
            name: f('string', 8),
            docString: f('string', 12),
            rawData: f('bytes', 9),
            stringData: f('bytes', 6, 'repeated'),
            doubleData: f('double', 10, 'repeated'),
            uint64Data: f('uint64', 11, 'repeated'),
            externalData: f('StringStringEntryProto', 13, 'repeated'),
            dataLocation: f('int32', 14),
          },
        },
        SparseTensorProto: {
          fields: { values: f('TensorProto', 1), indices: f('TensorProto', 2), dims: f('int64', 3, 'repeated') },
        },
        TensorShapeProto: {
          fields: { dim: f('Dimension', 1, 'repeated') },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: { dimValue: f('int64', 1), dimParam: f('string', 2), denotation: f('string', 3) },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: f('Tensor', 1), denotation: f('string', 6) },
          nested: { Tensor: { fields: { elemType: f('int32', 1), shape: f('TensorShapeProto', 2) } } },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(SCHEMA);
const Model = root.lookupType('onnx.ModelProto');

/** Serialise a model to ONNX protobuf bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  return Model.encode(Model.fromObject(model)).finish();
}

/**
 * Parse ONNX protobuf bytes. `what` names the source in errors.
 * @throws ToolkitError `E_ONNX_LOAD` when the bytes are not an ONNX model.
 */
export function decodeModel(bytes: Uint8Array, what: string): ModelProto {
  const corrupt = (detail: string, err?: unknown): ToolkitError =>
    new ToolkitError('E_ONNX_LOAD', `${what} is not a valid ONNX model: ${detail}`, {
      hint: 'the file is corrupt or not ONNX; export it again with `mast export`',
      ...(err ? { cause: err } : {}),
    });
  let model: ModelProto;
  try {
    model = Model.toObject(Model.decode(bytes), { longs: Number, arrays: true, defaults: false }) as ModelProto;
  } catch (err) {
    throw corrupt((err as Error).message, err);
  }
  if (!model.graph) throw corrupt('it has no graph');
  for (const key of ['node', 'initializer', 'sparseInitializer', 'input', 'output'] as const)
    model.graph[key] ??= [] as never;
  model.opsetImport ??= [];
  model.metadataProps ??= [];
  model.irVersion ??= 0;
  model.graph.node.forEach((n) => {
    n.input ??= [];
    n.output ??= [];
    n.attribute ??= [];
    n.opType ??= '';
  });
  // a value without a type (or a tensor without a name) is damage the readers below would trip on
  for (const v of [...model.graph.input, ...model.graph.output, ...(model.graph.valueInfo ?? [])]) {
    v.name ??= '';
    v.type ??= { tensorType: { elemType: 0 } };
    v.type.tensorType ??= { elemType: 0 };
  }
  for (const t of model.graph.initializer) t.name ??= '';
  for (const p of model.metadataProps) {
    p.key ??= '';
    p.value ??= '';
  }
  return model;
}
