/**
 * The schemas of every command's `--json` output, in the shape language of src/util/json-shape.ts.
 * docs/cli-json.md describes the same fields in words; test/cli/json-output.test.ts runs each command
 * and holds its output to the schema here and the doc to the schema's keys.
 */
import { nullable, type Shape } from '../src/util/json-shape.js';

const num: Shape = 'number';
const int: Shape = 'integer';
const str: Shape = 'string';
const bool: Shape = 'boolean';

const flops: Shape = { object: { dense: num, sparse: num, ratio: num } };

/** One row of metrics.jsonl (src/marl/training/metrics.ts). */
const metricsRow: Shape = {
  object: {
    tEnv: int,
    episodes: int,
    updates: int,
    epsilon: num,
    elapsedSec: num,
    trainReturn: nullable(num),
    loss: nullable(num),
    tdErrorAbs: nullable(num),
    qTaken: nullable(num),
    gradNorm: nullable(num),
    testReturn: num,
    testReturnStd: num,
    testWinRate: nullable(num),
    globalDensity: num,
    layerDensity: { record: num },
    exploredFraction: num,
    layerExplored: { record: num },
    trainFlopsRatio: num,
    inferenceFlopsRatio: num,
    topologySwaps: int,
    topologyUpdates: int,
    targets: nullable(str),
  },
  optional: ['exploredFraction', 'layerExplored'],
};

const counters: Shape = {
  object: {
    tEnv: int,
    episodes: int,
    updates: int,
    lastTargetUpdateEpisode: int,
    lastTestT: int,
    lastCheckpointT: int,
    topologyUpdates: int,
    flops: { object: { train: num, trainDense: num, inference: num, inferenceDense: num } },
  },
};

const testPoint: Shape = nullable({ object: { tEnv: int, return: num, winRate: nullable(num) } });

const evalFields = {
  model: str,
  engine: str,
  engineTimes: nullable({ object: { ort: num, sparse: num } }),
  env: str,
  episodes: int,
  seed: int,
  meanReturn: num,
  returnStd: num,
  winRate: nullable(num),
  flops,
  trainFlopsRatio: nullable(num),
  density: num,
  fileBytes: int,
  latency: { object: { medianUs: num, p90Us: num } },
  parity: { object: { run: str, actionAgreement: num, maxAbsQDiff: num, returnDiff: num, decisions: int } },
} as const;

/** Student–teacher agreement of an offline compression (src/marl/compress/distill.ts). */
const agreement: Shape = {
  object: { episodes: int, decisions: int, actionAgreement: num, maxAbsQDiff: num, meanAbsQDiff: num },
};

const architecture: Shape = {
  object: {
    kind: str,
    inputLayout: { object: { obs: int, lastAction: int, agentId: int } },
    hidden: int,
    nActions: int,
    nAgents: int,
  },
};

const reportRow: Shape = {
  object: {
    env: str,
    alg: str,
    mode: str,
    density: num,
    seedsDone: int,
    seeds: int,
    finalReturn: { object: { mean: num, std: num } },
    meanOverRun: num,
    vsDense: nullable(num),
    winRate: nullable(num),
    parameters: nullable(num),
    size: nullable(num),
    trainFlops: num,
    inferenceFlops: num,
    explored: nullable(num),
    solved: nullable({ object: { seeds: int, medianStep: nullable(num) } }),
    firstWon: nullable({ object: { seeds: int, medianStep: nullable(num) } }),
    wonFrom: nullable({ object: { mean: num, perSeed: { arrayOf: num } } }),
    wallSec: { object: { median: num, min: num, max: num } },
    machines: { arrayOf: str },
  },
};

const summaryRow: Shape = {
  object: {
    study: str,
    env: str,
    alg: str,
    steps: int,
    density: num,
    cells: { record: { object: { vsDense: nullable(num), seedsDone: int, seeds: int } } },
    trainFlops: nullable(num),
  },
};

const valueInfo: Shape = { arrayOf: { object: { name: str, shape: { arrayOf: { anyOf: [int, str] } } } } };

/** Each command's `--json` output, by the name docs/cli-json.md gives it. */
export const JSON_SCHEMAS = {
  train: {
    object: {
      out: str,
      completed: bool,
      counters,
      last: nullable(metricsRow),
      diverged: nullable({ object: { tEnv: int, loss: num } }),
    },
  },
  compress: {
    object: {
      out: str,
      source: testPoint,
      pruned: testPoint,
      recovered: testPoint,
      density: num,
      trainFlopsRatio: nullable(num),
      inferenceFlopsRatio: nullable(num),
      agentDensity: num,
      flopsPerDecision: { object: { source: num, compressed: num, ratio: num } },
    },
  },
  'compress --data': {
    object: {
      method: str,
      out: str,
      model: str,
      source: { object: { path: str, sha256: str, density: num } },
      data: {
        object: {
          path: str,
          sha256: str,
          env: str,
          episodes: int,
          steps: int,
          epsilon: num,
          recordedWith: nullable({ object: { path: str, sha256: str } }),
        },
      },
      density: num,
      densityCountsMixer: bool,
      flopsPerDecision: { object: { source: num, compressed: num, ratio: num } },
      distill: {
        object: {
          startDensity: num,
          density: num,
          updates: int,
          train: agreement,
          heldOut: nullable(agreement),
          curve: { arrayOf: { object: { update: int, updates: int, loss: num, density: num } } },
        },
      },
    },
  },
  record: {
    object: {
      out: str,
      env: str,
      episodes: int,
      steps: int,
      epsilon: num,
      returnMean: num,
      returnStd: num,
      winRate: nullable(num),
    },
  },
  eval: { object: evalFields, optional: ['parity'] },
  demo: {
    object: {
      ...evalFields,
      denseFileBytes: int,
      engines: { object: { ortMedianUs: num, sparseMedianUs: num, sparseReturn: num } },
      randomPolicy: { object: { episodes: int, meanReturn: num, returnStd: num, winRate: nullable(num) } },
      topology: {
        arrayOf: {
          object: {
            tEnv: int,
            testReturn: num,
            testWinRate: nullable(num),
            topologyUpdates: int,
            topologySwaps: int,
            exploredFraction: nullable(num),
          },
        },
      },
      reusedFinishedRun: bool,
      conclusion: str,
    },
  },
  inspect: {
    object: {
      model: str,
      metadata: { record: str },
      inputs: valueInfo,
      outputs: valueInfo,
      tensors: {
        arrayOf: {
          object: { name: str, shape: { arrayOf: int }, storage: str, size: int, nnz: int, density: num, bytes: int },
        },
      },
      totals: { object: { params: int, nnz: int, bytes: int, density: num } },
      flops,
    },
  },
  import: {
    object: {
      out: str,
      env: str,
      architecture,
      density: num,
      check: { object: { maxAbsQDiff: num, maxAbsHiddenDiff: num, steps: int } },
    },
  },
  envs: {
    arrayOf: {
      object: {
        id: str,
        description: str,
        info: {
          object: {
            nAgents: int,
            nActions: int,
            obsShape: int,
            stateShape: int,
            episodeLimit: int,
            reportsWins: bool,
            returnRange: { tuple: [num, num] },
          },
          optional: ['returnRange'],
        },
      },
    },
  },
  'study --list': {
    object: {
      runs: {
        arrayOf: {
          object: {
            dir: str,
            env: str,
            alg: str,
            mode: str,
            density: num,
            seed: int,
            steps: int,
            budget: int,
            state: str,
            pid: nullable(int),
          },
        },
      },
      counts: { object: { finished: int, training: int, stopped: int, 'not started': int } },
      estimate: { object: { seconds: num, estimated: int, unestimated: int } },
    },
  },
  study: {
    object: {
      runs: int,
      doneBefore: int,
      trainedNow: int,
      left: int,
      stoppedEarly: bool,
      heldElsewhere: int,
      jobs: int,
      failedWorkers: int,
    },
  },
  'study --archive': { object: { archived: { arrayOf: str }, unchanged: int, unfinished: int } },
  report: { arrayOf: reportRow },
  'report (several studies)': { arrayOf: summaryRow },
} satisfies Record<string, Shape>;
