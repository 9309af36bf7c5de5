/**
 * The only importer of onnxruntime-node: one inference session over an exported agent network.
 * ONNX Runtime densifies sparse initializers when it loads a model, so it gives the storage win of a
 * sparse export but computes densely.
 */
import * as ort from 'onnxruntime-node';
import { ShapeError, ToolkitError } from '../util/errors.js';

/** Sizes of the agent network the session runs. */
export interface AgentDims {
  inputSize: number;
  hidden: number;
  nActions: number;
}

/** Graph input/output names of an agent network (this toolkit's exports use the defaults). */
export interface AgentIoNames {
  inputs: string;
  hIn: string;
  qValues: string;
  hOut: string;
}

const DEFAULT_IO: AgentIoNames = { inputs: 'inputs', hIn: 'h_in', qValues: 'q_values', hOut: 'h_out' };

/** An ONNX Runtime session stepping the agent network for a batch of rows. */
export class AgentSession {
  private constructor(private readonly session: ort.InferenceSession, readonly dims: AgentDims, private readonly io: AgentIoNames) {}

  /**
   * Load a model (file path or bytes) into ONNX Runtime.
   * @param what names the model in errors.
   * @param io graph input/output names, for models exported elsewhere (e.g. from PyTorch).
   */
  static async create(model: string | Uint8Array, dims: AgentDims, what = typeof model === 'string' ? model : 'model', io: AgentIoNames = DEFAULT_IO): Promise<AgentSession> {
    try {
      // Single-threaded: per-decision batches are tiny, and one thread keeps results reproducible.
      const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
      const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
      return new AgentSession(session, dims, io);
    } catch (err) {
      throw new ToolkitError('E_ONNX_LOAD', `ONNX Runtime could not load ${what}: ${(err as Error).message}`, { hint: 'export the model again with `mast export`', cause: err });
    }
  }

  /**
   * One step for `batch` rows.
   * @param inputs `[batch, In]` row-major
   * @param hidden `[batch, H]` row-major
   * @returns Q-values `[batch, A]` and the next hidden state `[batch, H]`
   */
  async run(inputs: Float32Array, hidden: Float32Array, batch: number): Promise<{ qValues: Float32Array; hidden: Float32Array }> {
    const { inputSize, hidden: h } = this.dims;
    if (inputs.length !== batch * inputSize) throw new ShapeError(`AgentSession.run: inputs has ${inputs.length} values, expected ${batch}×${inputSize}`);
    if (hidden.length !== batch * h) throw new ShapeError(`AgentSession.run: hidden has ${hidden.length} values, expected ${batch}×${h}`);
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run({
        [this.io.inputs]: new ort.Tensor('float32', inputs, [batch, inputSize]),
        [this.io.hIn]: new ort.Tensor('float32', hidden, [batch, h]),
      });
    } catch (err) {
      throw new ToolkitError('E_ONNX_LOAD', `ONNX Runtime could not run the model: ${(err as Error).message}`, { hint: 'the model does not match its metadata; export it again with `mast export`', cause: err });
    }
    const q = out[this.io.qValues];
    const hOut = out[this.io.hOut];
    if (!q || !hOut) throw new ToolkitError('E_ONNX_LOAD', `the model has no ${this.io.qValues} / ${this.io.hOut} outputs`, { hint: 'export it again with `mast export`' });
    return { qValues: q.data as Float32Array, hidden: hOut.data as Float32Array };
  }

  /** Release the native session. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
