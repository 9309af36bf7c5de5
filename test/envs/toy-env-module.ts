/** test/envs/toy-env.ts as a `module:` environment (`module:dist/test/envs/toy-env-module.js`), for runs in the acting thread. */
import { ToyEnv } from './toy-env.js';

/** The factory: `limit` (default 12) is the episode limit. */
export default function createToyEnv(args: { limit?: number }): ToyEnv {
  return new ToyEnv(3, 6, args.limit ?? 12);
}
