/**
 * The tfjs backend names, without tfjs: what `--backend` accepts and its help lists, importable by
 * code that must not load tfjs (the CLI's option parsers, `mast envs`, `--help`). Choosing and
 * starting a backend is `backend.ts`.
 */

/** Backends the toolkit can train and evaluate with. */
export const BACKEND_NAMES = ['wasm', 'cpu', 'tensorflow'] as const;
/** A backend name. */
export type BackendName = (typeof BACKEND_NAMES)[number];
