/** `mast replay`: draw a greedy episode of a trained agent (run directory or .onnx) as SVG or HTML. */
import { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { readSnapshot } from '../../src/snapshot/io.js';
import { runPaths } from '../../src/run/run-dir.js';
import { exportAgentBytes } from '../../src/onnx/export-agent.js';
import { readAgentMetadata } from '@mast-toolkit/runtime/internal/onnx/agent-contract';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { recordedEnvArgs } from '../../src/verify/eval.js';
import { makeEnv, prepareEnv } from '../../src/envs/registry.js';
import { OnnxPolicy } from '@mast-toolkit/runtime/internal/runtime/policy';
import { recordReplay } from '../../src/verify/replay.js';
import { replayHtml, replaySvg } from '../../src/verify/replay-svg.js';
import { writeFileAtomic } from '@mast-toolkit/runtime/internal/util/atomic';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { decodeModel } from '@mast-toolkit/runtime/internal/onnx/schema';
import type { ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import type { CliIo } from '../io.js';
import { intAtLeast } from '../options.js';

/** The agent behind `source`: a run directory's snapshot (exported in memory) or an .onnx file. */
function agentModel(source: string): { bytes: Uint8Array; model: ModelProto } {
  if (existsSync(source) && statSync(source).isDirectory()) {
    const bytes = exportAgentBytes(readSnapshot(runPaths(source).snapshot), { format: 'sparse' });
    return { bytes, model: decodeModel(bytes, source) };
  }
  return readOnnxFile(source);
}

/** Build the `replay` command. */
export function replayCommand(io: CliIo): Command {
  return new Command('replay')
    .description('play one greedy episode of an agent and draw it (.svg: steps side by side; .html: a player)')
    .argument('<source>', 'run directory (from mast train) or .onnx model (from mast export)')
    .requiredOption('--out <file>', 'picture to write: .svg or .html')
    .option('--env <id>', 'environment (default: the one the agent was trained on)')
    .option('--seed <n>', 'episode seed', intAtLeast(0), 0)
    .action(async (source: string, opts: { out: string; env?: string; seed: number }) => {
      const kind = opts.out.endsWith('.html') ? 'html' : opts.out.endsWith('.svg') ? 'svg' : null;
      if (!kind) throw new ConfigError(`--out ${opts.out}: the picture must be a .svg or .html file`);
      const { bytes, model } = agentModel(source);
      const meta = readAgentMetadata(model, source);
      const envId = opts.env ?? meta.env;
      await prepareEnv(envId);
      const env = makeEnv(envId, { args: envId === meta.env ? recordedEnvArgs(model) : {} });
      const policy = await OnnxPolicy.create(bytes);
      try {
        const replay = await recordReplay(env, policy, opts.seed);
        const title = `${meta.algorithm} (${meta.sparsityMode}, density ${meta.density}) on ${env.id}, seed ${opts.seed}: return ${replay.return.toFixed(3)}`;
        writeFileAtomic(opts.out, kind === 'svg' ? replaySvg(replay, title) : replayHtml(replay, title));
        io.out(`wrote ${opts.out}: ${replay.frames.length - 1} steps, return ${replay.return.toFixed(3)}`);
      } finally {
        env.close?.();
        await policy.close();
      }
    });
}
