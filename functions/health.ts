/**
 * @module `GET /api/health`: is the configuration valid, is the policy valid, does the scope resolve
 * (a management group to its subscriptions), and does ARM answer? 200 when all hold, 503 with the
 * reasons otherwise.
 */

import { app, HttpResponse } from "@azure/functions";
import type { HttpHandler } from "@azure/functions";
import { listZones } from "../shared/azure/privateDns";
import { getRuntime } from "../orchestrations/runtime";
import { resolveScope } from "../orchestrations/scope";

type Check = { ok: true; detail: string } | { ok: false; detail: string };

function failed(error: unknown): Check {
  return { ok: false, detail: error instanceof Error ? error.message : String(error) };
}

export const health: HttpHandler = async () => {
  const checks: Record<string, Check> = {};
  try {
    const { config, clients, policies } = getRuntime();
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
      checks["scope"] = {
        ok: scope.subscriptionIds.length > 0,
        detail: `${scope.subscriptionIds.length} subscriptions in scope (${scope.listed.length} listed${fromGroup})`,
      };
    } catch (error) {
      checks["scope"] = failed(error);
    }
    try {
      const zones = await listZones(clients, config.dnsZoneResourceGroupIds);
      checks["arm"] = { ok: true, detail: `${config.arm.endpoint} answers; ${zones.length} private DNS zones in use` };
    } catch (error) {
      checks["arm"] = failed(error);
    }
  } catch (error) {
    checks["configuration"] = failed(error);
  }
  const healthy = Object.values(checks).every((c) => c.ok);
  return new HttpResponse({ status: healthy ? 200 : 503, jsonBody: { status: healthy ? "healthy" : "unhealthy", checks } });
};

app.http("health", { route: "health", methods: ["GET"], authLevel: "anonymous", handler: health });
