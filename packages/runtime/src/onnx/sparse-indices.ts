/**
 * The one contract for a sparse tensor's indices (ONNX `SparseTensorProto`, checker.cc's rules):
 * values rank 1 `[NNZ]`; indices INT64, either linear `[NNZ]` (row-major positions in the dense
 * shape) or coordinates `[NNZ, rank]`; strictly ascending and inside the dense shape, whose size is
 * bounded by {@link MAX_TENSOR_ELEMENTS}. The validator, the importer and the sparse engine all read
 * indices through {@link decodeSparseIndices}, so no reader can take one form for the other.
 */
import { DataType, type SparseTensorProto } from './types.js';
import { dataLength, numel, readInts } from './tensor-data.js';
import { MAX_TENSOR_ELEMENTS, MAX_TENSOR_RANK } from './limits.js';
import { invalid } from './validation-error.js';

/** Check a sparse tensor's dims, values and indices, and return its positions as linear (row-major) indices `[NNZ]`, ascending. */
export function decodeSparseIndices(s: SparseTensorProto): Float64Array {
  const name = s.values?.name;
  if (!name)
    invalid(
      'sparse-values-name',
      "a sparse tensor has values without a name (the name of a sparse tensor is its values' name)",
    );
  if (!s.indices) invalid('sparse-indices-shape', `sparse tensor '${name}' has no indices`);
  const dims = s.dims ?? [];
  if (dims.length === 0 || dims.length > MAX_TENSOR_RANK || dims.some((d) => !Number.isSafeInteger(d) || d <= 0)) {
    invalid(
      'tensor-dims',
      `sparse tensor '${name}' has dims [${dims}]; dims must be positive integers (at most ${MAX_TENSOR_RANK})`,
    );
  }
  const size = numel(dims);
  if (size > MAX_TENSOR_ELEMENTS)
    invalid(
      'tensor-dims',
      `sparse tensor '${name}' has dims [${dims}] (${size} elements); the limit is ${MAX_TENSOR_ELEMENTS} elements per tensor`,
    );
  const vdims = s.values.dims ?? [];
  if (vdims.length !== 1)
    invalid(
      'sparse-values-rank',
      `sparse tensor '${name}' has values of rank ${vdims.length}; values must be rank 1 [NNZ]`,
    );
  const nnz = vdims[0] as number;
  if (!Number.isSafeInteger(nnz) || nnz < 0 || nnz > size)
    invalid('tensor-dims', `sparse tensor '${name}' declares ${nnz} values for a dense size of ${size}`);
  if (dataLength(s.values) !== nnz)
    invalid(
      'tensor-data-length',
      `sparse tensor '${name}' holds ${dataLength(s.values)} values but its values' dims say ${nnz}`,
    );
  if (s.indices.dataType !== DataType.INT64)
    invalid(
      'sparse-indices-type',
      `sparse tensor '${name}' has indices of data type ${s.indices.dataType}; indices must be INT64 (7)`,
    );
  const rank = dims.length;
  const idims = s.indices.dims ?? [];
  const linear = idims.length === 1 && idims[0] === nnz;
  const coords = idims.length === 2 && idims[0] === nnz && idims[1] === rank;
  if (!linear && !coords)
    invalid(
      'sparse-indices-shape',
      `sparse tensor '${name}' has indices of shape [${idims}]; expected [${nnz}] or [${nnz}, ${rank}]`,
    );
  const want = linear ? nnz : nnz * rank;
  if (dataLength(s.indices) !== want)
    invalid(
      'tensor-data-length',
      `sparse tensor '${name}' holds ${dataLength(s.indices)} index values but its indices' dims [${idims}] need ${want}`,
    );
  const raw = readInts(s.indices);
  const out = new Float64Array(nnz);
  let prev = -1;
  for (let k = 0; k < nnz; k++) {
    let index: number;
    if (linear) {
      index = raw[k] as number;
    } else {
      index = 0;
      for (let d = 0; d < rank; d++) {
        const c = raw[k * rank + d] as number;
        if (!(c >= 0 && c < (dims[d] as number)))
          invalid(
            'sparse-indices-range',
            `sparse tensor '${name}': index ${k} has coordinate ${c} on axis ${d}, outside [0, ${dims[d]})`,
          );
        index = index * (dims[d] as number) + c;
      }
    }
    if (!(index >= 0 && index < size))
      invalid('sparse-indices-range', `sparse tensor '${name}': index ${k} is ${index}, outside [0, ${size})`);
    if (index <= prev)
      invalid(
        'sparse-indices-order',
        `sparse tensor '${name}': index ${k} (${index}) is not greater than index ${k - 1} (${prev}); indices must be strictly ascending`,
      );
    out[k] = index;
    prev = index;
  }
  return out;
}
