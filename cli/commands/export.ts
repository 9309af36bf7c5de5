/** `mast export`: a run's agent network → an ONNX model with sparse initializers. */
import { Command } from 'commander';
import { runPaths } from '../../src/run/run-dir.js';
import { exportRun } from '../../src/onnx/export-run.js';
import { exportMixer } from '../../src/onnx/export-mixer.js';
import { readMixerSnapshot } from '../../src/snapshot/mixer.js';
import { CheckpointError } from '@mast-toolkit/runtime/internal/util/errors';
import { existsSync } from 'node:fs';
import { encodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import { readOnnxFile, writeOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { graphConstants } from '@mast-toolkit/runtime/internal/onnx/constants';
import type { ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import type { CliIo } from '../io.js';
import { oneOf } from '../options.js';

const FORMATS = ['sparse', 'dense', 'auto'] as const;

const ENCODINGS = ['initializer', 'constant'] as const;

/** How a written model stores its weights, as counted in the file: a dense run's export says dense whatever `--format`. */
function storage(model: ModelProto): string {
  const sparse = graphConstants(model).sparse.size;
  if (sparse === 0) return 'dense: every weight stored';
  const encoding = model.graph.sparseInitializer.length > 0 ? 'initializers' : 'Constant nodes';
  return `sparse: ${sparse} weight matrices as sparse ${encoding}`;
}

/** Build the `export` command. */
export function exportCommand(io: CliIo): Command {
  return new Command('export')
    .description('export the agent network of a run to ONNX (masked weight matrices as sparse initializers)')
    .argument('<run>', 'run directory written by `mast train`')
    .requiredOption('-o, --out <file>', 'output .onnx file')
    .option(
      '--format <format>',
      `weight storage: ${FORMATS.join(' | ')} (auto: sparse only where density < 1/3)`,
      oneOf(FORMATS),
      'sparse',
    )
    .option('--dense', 'store every tensor dense (same as --format dense)')
    .option(
      '--sparse-as <where>',
      `sparse weights as: ${ENCODINGS.join(' | ')} (constant: Constant nodes with sparse_value, which pass onnx.checker full_check)`,
      oneOf(ENCODINGS),
      'initializer',
    )
    .option(
      '--batch-agents',
      "one graph from all agents' observations (and last actions, availability) to their greedy actions",
    )
    .option(
      '--with-mixer',
      'also export the mixing network (agent Qs + state → Q_tot) beside --out, with the same --format and --sparse-as: agent.onnx → agent.mixer.onnx',
    )
    .action(
      (
        run: string,
        opts: {
          out: string;
          format: (typeof FORMATS)[number];
          dense?: boolean;
          sparseAs: (typeof ENCODINGS)[number];
          batchAgents?: boolean;
          withMixer?: boolean;
        },
      ) => {
        const format = opts.dense ? 'dense' : opts.format;
        const size = exportRun(run, opts.out, format, opts.sparseAs, opts.batchAgents === true);
        io.out(
          `wrote ${opts.out} (${storage(readOnnxFile(opts.out).model)}${opts.batchAgents ? ', batch-agents graph' : ''}, ${size} bytes)`,
        );
        if (opts.withMixer) {
          const paths = runPaths(run);
          if (!existsSync(paths.mixerSnapshot))
            throw new CheckpointError(`${paths.mixerSnapshot} does not exist`, {
              hint: 'runs trained before mixer snapshots existed lack it; resume the run for one more checkpoint, or export without --with-mixer',
            });
          const mixerOut = opts.out.replace(/\.onnx$/, '') + '.mixer.onnx';
          const mixer = exportMixer(readMixerSnapshot(paths.mixerSnapshot), { format, sparseEncoding: opts.sparseAs });
          const bytes = encodeModel(mixer);
          writeOnnxFile(mixerOut, bytes);
          io.out(`wrote ${mixerOut} (mixer, ${storage(mixer)}, ${bytes.length} bytes)`);
        }
      },
    );
}
