/**
 * @module The Node.js flags the app's process runs with in Azure (the Functions host passes them to the
 * Node worker: app setting `languageWorkers__node__arguments`, set in infra/app/api.bicep) and in the
 * bench's host process, so the memory the bench measures is the memory the app uses.
 *
 * `--optimize-for-size` makes V8 collect garbage sooner instead of growing the heap. A sweep's garbage
 * (the pages of its list responses, parsed and dropped page by page) otherwise stays until the heap has
 * grown far past what the sweep holds: at 100k records the peak RSS drops from about 330 to about 145
 * MiB for about 1.5x the wall time (docs/performance.md). It sets no heap limit, so a larger estate costs
 * memory, never an out-of-memory crash.
 */

export const NODE_WORKER_ARGUMENTS: readonly string[] = ["--optimize-for-size"];
