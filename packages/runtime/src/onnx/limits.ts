/**
 * The documented size limits of every model the toolkit reads (listed in docs/architecture.md).
 * A model is refused before anything proportional to a declared size is allocated, so a small file
 * cannot make a reader (or ONNX Runtime, which densifies sparse initializers) allocate gigabytes.
 * The toolkit's own agents are far below every limit (hidden 64, a few hundred inputs).
 */

/** Largest `.onnx` file read, in bytes (256 MiB). Checked before the file is read. */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;

/** Largest element count of one tensor, dense or the dense shape of a sparse one (2^24 ≈ 16.8 M: 64 MiB of float32). */
export const MAX_TENSOR_ELEMENTS = 2 ** 24;

/** Largest element count of all constants of a model together, as ONNX Runtime densifies them (2^26: 256 MiB of float32). */
export const MAX_MODEL_ELEMENTS = 2 ** 26;

/** Largest tensor rank. */
export const MAX_TENSOR_RANK = 8;

/** Largest number of graph nodes. */
export const MAX_GRAPH_NODES = 100_000;

/** Largest agent width (inputs, hidden units, actions) a model's `mast.*` metadata may declare. */
export const MAX_AGENT_WIDTH = 65_536;

/** Largest number of agents a model's `mast.*` metadata may declare. */
export const MAX_AGENTS = 4_096;
