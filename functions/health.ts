/**
 * @module Health: is the configuration valid, is the policy valid, does the scope resolve (a
 * management group to its subscriptions), and does ARM answer? 200 when all hold, 503 otherwise.
 *
 * `GET /api/health` is anonymous (for probes and the deployment hook) and answers only
 * `{ "status": "healthy" | "unhealthy" }`, from a result at most 30 s old so that probes cannot drive
 * ARM reads. `GET /api/health/details` needs a function key and answers every check with its detail:
 * owner id, scope, and each bad setting or ARM error by name.
 */

import { app, HttpResponse } from "@azure/functions";
import type { HttpHandler } from "@azure/functions";
import { ConfigError } from "../shared/config";
import { listZones } from "../shared/azure/privateDns";
import { getRuntime } from "../orchestrations/runtime";
import type { Runtime } from "../orchestrations/runtime";
import { resolveScope } from "../orchestrations/scope";

type Check = { ok: boolean; detail: string };

export interface HealthReport {
  status: "healthy" | "unhealthy";
  checks: Record<string, Check>;
}

/** How long the anonymous answer is reused. */
export const HEALTH_CACHE_MS = 30_000;

function failed(error: unknown): Check {
  return { ok: false, detail: error instanceof Error ? error.message : String(error) };
}

/** Runs every check now. A runtime that cannot start (bad settings or policy) is the one failed check. */
async function checkHealth(): Promise<HealthReport> {
  const checks: Record<string, Check> = {};
  let runtime: Runtime | undefined;
  try {
    runtime = getRuntime();
  } catch (error) {
    checks[error instanceof ConfigError ? "configuration" : "policy"] = failed(error);
  }
  if (runtime !== undefined) {
    const { config, clients, policies } = runtime;
    const group = config.managementGroupId !== undefined ? ` and management group ${config.managementGroupId}` : "";
    checks["configuration"] = { ok: true, detail: `${config.subscriptionIds.length} subscriptions listed${group}, owner ${config.ownerId}${config.dryRun ? ", dry run" : ""}` };
    try {
      const { source, error } = policies.current();
      checks["policy"] = error === undefined ? { ok: true, detail: `loaded from ${source}` } : { ok: false, detail: `last valid policy from ${source} in force; latest change rejected: ${error}` };
    } catch (error) {
      checks["policy"] = failed(error);
    }
    try {
      const scope = await resolveScope(clients, config);
      const fromGroup = scope.managementGroup === undefined ? "" : `, ${scope.managementGroup.subscriptionIds.length} from management group ${scope.managementGroup.id}`;
      checks["scope"] = { ok: scope.subscriptionIds.length > 0, detail: `${scope.subscriptionIds.length} subscriptions in scope (${scope.listed.length} listed${fromGroup})` };
    } catch (error) {
      checks["scope"] = failed(error);
    }
    try {
      const zones = await listZones(clients, config.dnsZoneResourceGroupIds);
      checks["arm"] = { ok: true, detail: `${config.arm.endpoint} answers; ${zones.length} private DNS zones in use` };
    } catch (error) {
      checks["arm"] = failed(error);
    }
  }
  return { status: Object.values(checks).every((c) => c.ok) ? "healthy" : "unhealthy", checks };
}

let cached: { at: number; report: Promise<HealthReport> } | undefined;

export const health: HttpHandler = async () => {
  const now = Date.now();
  if (cached === undefined || now - cached.at >= HEALTH_CACHE_MS) cached = { at: now, report: checkHealth() };
  const { status } = await cached.report;
  return new HttpResponse({ status: status === "healthy" ? 200 : 503, jsonBody: { status } });
};

export const healthDetails: HttpHandler = async () => {
  const report = await checkHealth();
  return new HttpResponse({ status: report.status === "healthy" ? 200 : 503, jsonBody: report });
};

app.http("health", { route: "health", methods: ["GET"], authLevel: "anonymous", handler: health });
app.http("healthDetails", { route: "health/details", methods: ["GET"], authLevel: "function", handler: healthDetails });
