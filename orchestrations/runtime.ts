/**
 * @module The process-wide parts every activity uses: configuration, ARM clients and the policy.
 * Built once, on first use, from the app settings.
 */

import { readFileSync } from "node:fs";
import { loadConfig } from "../shared/config";
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

/** The runtime for this process; the first call validates the configuration and throws if it is bad. */
export function getRuntime(): Runtime {
  runtime ??= createRuntime(loadConfig());
  return runtime;
}

/** Forgets the runtime, so the next run reads the app settings again (tests and the local host). */
export function resetRuntime(): void {
  runtime = undefined;
  clearScopeCache();
}

export function createRuntime(config: Config): Runtime {
  const { endpoint, caFile, staticToken } = config.arm;
  const options = {
    endpoint,
    credential: staticToken !== undefined ? new StaticTokenCredential(staticToken) : defaultCredential(),
    ...(caFile !== undefined ? { ca: readFileSync(caFile, "utf8") } : {}),
  };
  // The backstop of dry run: its clients refuse every write, whatever branch a run takes.
  const readOnlyClients = createArmClients({ ...options, writePacing: false, readOnly: true });
  const clients = config.dryRun ? readOnlyClients : createArmClients({ ...options, writePacing: config.arm.writePacing });
  const policies = new PolicyStore(config.policy);
  policies.current();
  return { config, clients, policies, clientsFor: (run) => (run.dryRun === true ? readOnlyClients : clients) };
}
