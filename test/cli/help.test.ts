/** What `--help` promises matches the code: defaults stated where a preset decides them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { buildProgram } from '../../cli/program.js';
import { PRESETS, resolveConfig } from '../../src/config/index.js';

test("train --help states the default of --steps: each preset's", () => {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const program = buildProgram({ out: () => {}, err: () => {}, progressStream: sink });
  const help = program.commands
    .find((c) => c.name() === 'train')!
    .helpInformation()
    .replace(/\s+/g, ' ');
  for (const name of Object.keys(PRESETS))
    assert.ok(help.includes(`${name} ${resolveConfig(name).steps.toLocaleString('en-US')}`), `${name} in: ${help}`);
});
