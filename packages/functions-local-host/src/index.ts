/**
 * @module The local Functions host's public surface: start a host on the app's registration
 * module, its options and handle, the core shim for tests that load an app themselves, and the
 * readable logger.
 */
export { startLocalHost } from "./localHost";
export type { LocalHost, StartLocalHostOptions, WaitForIdleOptions } from "./localHost";
export { installFunctionsCoreShim } from "./functionsCoreShim";
export type { FunctionRegistration, FunctionMetadata, FunctionsCoreShim } from "./functionsCoreShim";
export { createConsoleLogger } from "./logger";
export type { HostLogger, LogEntry, LogLevel, LogRenderer } from "./logger";
