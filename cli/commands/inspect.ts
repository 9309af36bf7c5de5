/** `mast inspect`: per-tensor storage, nonzeros and bytes of an ONNX agent, plus its metadata and FLOPs. */
import { Command } from 'commander';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { inspectModel } from '@mast-toolkit/runtime/internal/onnx/inspect';
import { agentFlops } from '../../src/onnx/flops.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

/** Build the `inspect` command. */
export function inspectCommand(io: CliIo): Command {
  return new Command('inspect')
    .description(
      'show the weight tensors of an ONNX agent (shape, storage, nonzeros, density, bytes), totals, FLOPs and metadata',
    )
    .argument('<model>', '.onnx file')
    .option('--json', 'print one JSON object')
    .action((path: string, opts: { json?: boolean }) => {
      const { model } = readOnnxFile(path);
      const report = inspectModel(model);
      const flops = agentFlops(model);
      if (opts.json) {
        io.out(JSON.stringify({ model: path, ...report, flops }));
        return;
      }
      const rows = report.tensors.map((t) => [
        t.name,
        `[${t.shape.join(',')}]`,
        t.storage,
        String(t.nnz),
        t.density.toFixed(3),
        String(t.bytes),
      ]);
      for (const line of formatTable(['tensor', 'shape', 'storage', 'nnz', 'density', 'bytes'], rows)) io.out(line);
      const tt = report.totals;
      io.out(
        `total: ${tt.params} parameters, ${tt.nnz} nonzero, ${tt.bytes} bytes; density ${tt.density.toFixed(3)} (nonzero fraction of the weight matrices; biases not counted)`,
      );
      io.out(
        `FLOPs per agent decision: ${flops.sparse} sparse vs ${flops.dense} dense (ratio ${flops.ratio.toFixed(3)})`,
      );
      const legacyDensity =
        report.metadata['mast.density'] !== undefined && report.metadata['mast.run_density'] === undefined;
      for (const [k, v] of Object.entries(report.metadata)) {
        if (k === 'mast.config') continue;
        // files before mast.run_density recorded the run's budget (agent and mixer) as mast.density
        io.out(
          `${k}: ${v}${k === 'mast.density' && legacyDensity ? " (the run's budget over agent and mixer, as files before 2026-12-07 recorded it; the agent's density is the total above)" : ''}`,
        );
      }
    });
}
