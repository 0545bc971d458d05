/**
 * @module The process-wide parts every activity uses: configuration, ARM clients and the policy.
 * Built once, on first use, from the app settings.
 */

import { readFileSync } from "node:fs";
import { ConfigError, loadConfig, Settings } from "../shared/config";
import type { Config } from "../shared/config";
import { createArmClients, defaultCredential, StaticTokenCredential } from "../shared/azure/clients";
import type { ArmClients } from "../shared/azure/clients";
import { PolicyStore } from "./policyStore";
import { clearScopeCache } from "./scope";

export interface Runtime {
  config: Config;
  /** The clients for a run that may write; read-only (they refuse every write) when `AUTOPILOT_DRY_RUN` is on. */
  clients: ArmClients;
  policies: PolicyStore;
  /** The clients a run uses: read-only when the run is a dry run or `AUTOPILOT_DRY_RUN` is on. */
  clientsFor(run: { dryRun?: boolean }): ArmClients;
}

let runtime: Runtime | undefined;

/**
 * The runtime for this process, built on first use. Throws (a `ConfigError` naming every bad setting,
 * or the policy's error) while the settings or the policy are bad, and tries again on the next call:
 * the host keeps running, health reports the problem, and every run refuses to start.
 */
export function getRuntime(): Runtime {
  runtime ??= createRuntime(loadConfig());
  return runtime;
}

/** Forgets the runtime, so the next run reads the app settings again (tests and the local host). */
export function resetRuntime(): void {
  runtime = undefined;
  clearScopeCache();
}

/** Reads the CA file a setting names; a file that cannot be read is a bad setting (`ConfigError`), naming it. */
export function readCaFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new ConfigError(`Invalid configuration:\n  ${Settings.armCaFile}: cannot read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export function createRuntime(config: Config): Runtime {
  const { endpoint, caFile, staticToken } = config.arm;
  const options = {
    endpoint,
    credential: staticToken !== undefined ? new StaticTokenCredential(staticToken) : defaultCredential(),
    ...(caFile !== undefined ? { ca: readCaFile(caFile) } : {}),
  };
  // The backstop of dry run: its clients refuse every write, whatever branch a run takes.
  const readOnlyClients = createArmClients({ ...options, writePacing: false, readOnly: true });
  const clients = config.dryRun ? readOnlyClients : createArmClients({ ...options, writePacing: config.arm.writePacing });
  const policies = new PolicyStore(config.policy);
  policies.current();
  return { config, clients, policies, clientsFor: (run) => (run.dryRun === true ? readOnlyClients : clients) };
}
