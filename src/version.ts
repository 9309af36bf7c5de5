/** The toolkit's version, recorded in checkpoints, snapshots and exported models (kept equal to package.json by a test). */
export const TOOLKIT_VERSION = '0.1.0';
