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
  clients: ArmClients;
  policies: PolicyStore;
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
  const clients = createArmClients({
    endpoint,
    credential: staticToken !== undefined ? new StaticTokenCredential(staticToken) : defaultCredential(),
    ...(caFile !== undefined ? { ca: readFileSync(caFile, "utf8") } : {}),
    writePacing: config.arm.writePacing,
  });
  const policies = new PolicyStore(config.policy);
  policies.current();
  return { config, clients, policies };
}
