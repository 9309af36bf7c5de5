/** Reading a `--config` file: a JSON object of training-config overrides. */
import { existsSync, readFileSync } from 'node:fs';
import type { DeepPartial, TrainConfig } from '../src/config/index.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';

/**
 * The overrides in a `--config` file. Keys and values are checked where they are applied
 * (`resolveConfig` / `deriveConfig`), so an unknown key is an error that names it.
 * @throws ConfigError when the file is missing, is not JSON, or is not a JSON object.
 */
export function readConfigOverrides(path: string): DeepPartial<TrainConfig> {
  if (!existsSync(path)) throw new ConfigError(`config file ${path} does not exist`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`config file ${path} must hold a JSON object of config keys`, {
      hint: 'e.g. {"optimizer": {"lr": 0.0001}}',
    });
  }
  return value as DeepPartial<TrainConfig>;
}
