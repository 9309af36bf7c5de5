/** Where the tests that run `bench/reference/` find Python, and when they must skip. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter; python3-onnx (installed by .ci/run) brings numpy. */
export const PYTHON = '/usr/bin/python3';

/** `bench/reference/`, the working directory of the reference's scripts. */
export const REFERENCE = fileURLToPath(new URL('../../../bench/reference/', import.meta.url));

const hasNumpy = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

/** The `skip` option of such a test: false when numpy is there, else the reason and the fix. */
export const SKIP_WITHOUT_NUMPY: false | string = hasNumpy
  ? false
  : 'Debian python3 with numpy not installed: apt-get install -y python3-numpy';
