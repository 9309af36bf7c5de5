#!/usr/bin/env node
// Entry point of the `mast` command: runs the compiled CLI (built by `npm ci` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error('mast: the toolkit is not built yet; run `npm run build` (npm ci does it for you)');
  process.exitCode = 1;
} else {
  await import(main);
}
