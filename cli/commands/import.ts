/** `mast import`: read an ONNX agent (ours, or a pymarl agent exported from PyTorch) into a run directory. */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { importAgent } from '../../src/onnx/import-agent.js';
import { writeSnapshot } from '../../src/snapshot/io.js';
import { openRunDir, runPaths } from '../../src/run/run-dir.js';
import { makeEnv, prepareEnv } from '../../src/envs/registry.js';
import { addEnvOptions, envOptionsFrom, type EnvCliOptions } from '../env-options.js';
import { agentIoNames, checkImport } from '../../src/verify/import-check.js';
import { CheckpointError, ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import type { InputLayout } from '@mast-toolkit/runtime/internal/snapshot/types';
import type { ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import { agentWeightDensity } from '../../src/snapshot/size.js';
import { MASKED_AGENT_TENSORS } from '@mast-toolkit/runtime/internal/snapshot/types';
import type { CliIo } from '../io.js';

interface ImportOpts extends EnvCliOptions {
  out: string;
  env?: string;
  lastAction?: boolean;
  agentId?: boolean;
  json?: boolean;
}

/** Width of the model's agent input (last dim of its first non-initializer input). */
function inputWidth(model: ModelProto): number | null {
  const name = agentIoNames(model).inputs;
  const dims = model.graph.input.find((i) => i.name === name)?.type.tensorType.shape?.dim ?? [];
  const last = dims[dims.length - 1]?.dimValue;
  return last === undefined ? null : Number(last);
}

/**
 * The input layout of a model without `mast.*` metadata, from the environment it plays: obs ⊕
 * last-action one-hot ⊕ agent-id one-hot, the parts present inferred from the input width unless
 * the flags say otherwise.
 */
function layoutFor(model: ModelProto, opts: ImportOpts): { layout: InputLayout; nAgents: number } | undefined {
  if (model.metadataProps.some((p) => p.key === 'mast.input_layout')) return undefined;
  if (!opts.env)
    throw new ConfigError(
      'this model carries no mast.* metadata: give --env ID so its input layout and agent count are known',
    );
  const env = makeEnv(opts.env, { ...envOptionsFrom(opts), args: opts.envArg ?? {} });
  const info = env.getEnvInfo();
  env.close?.();
  const width = inputWidth(model);
  const candidates = [
    { lastAction: info.nActions, agentId: info.nAgents },
    { lastAction: info.nActions, agentId: 0 },
    { lastAction: 0, agentId: info.nAgents },
    { lastAction: 0, agentId: 0 },
  ].filter(
    (c) => (opts.lastAction === false ? c.lastAction === 0 : true) && (opts.agentId === false ? c.agentId === 0 : true),
  );
  const fits = candidates.filter((c) => width === null || info.obsShape + c.lastAction + c.agentId === width);
  if (fits.length === 0)
    throw new ConfigError(
      `the model reads ${width} inputs, which no layout of ${opts.env} (obs ${info.obsShape}, ${info.nActions} actions, ${info.nAgents} agents) adds up to`,
    );
  if (fits.length > 1 && opts.lastAction === undefined && opts.agentId === undefined) {
    throw new ConfigError(`the model's ${width} inputs fit more than one layout of ${opts.env}`, {
      hint: 'say which with --no-last-action or --no-agent-id',
    });
  }
  const c = fits[0]!;
  return { layout: { obs: info.obsShape, lastAction: c.lastAction, agentId: c.agentId }, nAgents: info.nAgents };
}

/** Like `mast train`, never replace a run (trained or imported) already in `dir`. */
function refuseExistingRun(dir: string): void {
  const paths = runPaths(dir);
  const held = [paths.checkpoint, paths.snapshot].find((p) => existsSync(p));
  if (held)
    throw new CheckpointError(`${dir} already holds a run (${held})`, {
      hint: 'choose another --out directory, or delete that run first',
    });
}

/** Build the `import` command. */
export function importCommand(io: CliIo): Command {
  const cmd = new Command('import')
    .description(
      'read an ONNX agent network (this toolkit’s export, or a pymarl agent exported from PyTorch) into a run directory',
    )
    .argument('<model>', '.onnx file')
    .requiredOption(
      '--out <dir>',
      'run directory to write (agent.snapshot), usable by export, eval --against and replay; one that holds a run is refused',
    )
    .option('--env <id>', 'environment the agent plays (needed when the model has no mast.* metadata)')
    .option('--no-last-action', 'the agent input has no last-action one-hot')
    .option('--no-agent-id', 'the agent input has no agent-id one-hot')
    .option('--json', 'print the import report as one JSON object');
  return addEnvOptions(cmd).action(async (path: string, opts: ImportOpts) => {
    refuseExistingRun(opts.out);
    const { bytes, model } = readOnnxFile(path);
    if (opts.env) await prepareEnv(opts.env);
    const given = layoutFor(model, opts);
    const snap = importAgent(model, {
      what: path,
      ...(given ? { inputLayout: given.layout, nAgents: given.nAgents } : {}),
      ...(opts.env ? { env: opts.env } : {}),
    });
    const check = await checkImport(bytes, model, snap, path);
    const paths = runPaths(opts.out);
    const lock = openRunDir(opts.out);
    try {
      refuseExistingRun(opts.out); // again, now that no other process can write there
      writeSnapshot(paths.snapshot, snap);
    } finally {
      lock.release();
    }
    const report = {
      out: opts.out,
      env: snap.metadata.env,
      architecture: snap.architecture,
      density: agentWeightDensity(snap.tensors, MASKED_AGENT_TENSORS),
      check,
    };
    if (opts.json) io.out(JSON.stringify(report));
    else {
      io.out(
        `imported ${path} → ${runPaths(opts.out).snapshot}: hidden ${snap.architecture.hidden}, ${snap.architecture.nActions} actions, input ${JSON.stringify(snap.architecture.inputLayout)}, density ${report.density.toFixed(3)} (nonzero fraction of the agent's weight matrices)`,
      );
      io.out(
        `  matches the original under ONNX Runtime: max |ΔQ| ${check.maxAbsQDiff.toExponential(2)}, max |Δh| ${check.maxAbsHiddenDiff.toExponential(2)} over ${check.steps} chained steps`,
      );
    }
  });
}
