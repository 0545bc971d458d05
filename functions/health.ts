/**
 * @module `GET /api/health`: is the configuration valid, is the policy valid, and does ARM answer?
 * 200 when all three hold, 503 with the reasons otherwise.
 */

import { app, HttpResponse } from "@azure/functions";
import type { HttpHandler } from "@azure/functions";
import { listZones } from "../shared/azure/privateDns";
import { getRuntime } from "../orchestrations/runtime";

type Check = { ok: true; detail: string } | { ok: false; detail: string };

function failed(error: unknown): Check {
  return { ok: false, detail: error instanceof Error ? error.message : String(error) };
}

export const health: HttpHandler = async () => {
  const checks: Record<string, Check> = {};
  try {
    const { config, clients, policies } = getRuntime();
    checks["configuration"] = { ok: true, detail: `${config.subscriptionIds.length} subscriptions, owner ${config.ownerId}${config.dryRun ? ", dry run" : ""}` };
    try {
      const { source, error } = policies.current();
      checks["policy"] = error === undefined ? { ok: true, detail: `loaded from ${source}` } : { ok: false, detail: `last valid policy from ${source} in force; latest change rejected: ${error}` };
    } catch (error) {
      checks["policy"] = failed(error);
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
