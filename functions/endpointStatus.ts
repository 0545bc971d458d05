/**
 * @module `GET /api/endpoints/{endpoint id}/status`: the "DNS ready" answer a deployment pipeline waits on
 * (see app/endpointStatus.ts). The id is the endpoint's ARM id, slashes and all (a catch-all route, since
 * Functions routes allow one only at the end: the handler takes `/status` off it). Reads only.
 */

import { app, HttpResponse } from "@azure/functions";
import type { HttpHandler, HttpRequest, InvocationContext } from "@azure/functions";
import { readEndpointStatus } from "../app/endpointStatus";
import { evaluateEndpoint } from "../orchestrations/activities/evaluateEndpoint";
import { getRuntime } from "../orchestrations/runtime";
import { subscriptionsInScope } from "../orchestrations/scope";
import { runLog } from "../orchestrations/runLog";
import { isWithinScope, parseResourceId, resourceTypeOf } from "../shared/resourceId";

function error(status: number, code: string, message: string): HttpResponse {
  return new HttpResponse({ status, jsonBody: { error: { code, message } } });
}

export const endpointStatusHttp: HttpHandler = async (request: HttpRequest, context: InvocationContext) => {
  const rest = request.params["rest"] ?? "";
  if (!rest.toLowerCase().endsWith("/status")) return error(404, "NotFound", "expected GET /api/endpoints/<private endpoint id>/status");
  const endpointId = `/${rest.slice(0, -"/status".length).replace(/^\/+/, "")}`;
  try {
    if (resourceTypeOf(parseResourceId(endpointId)).toLowerCase() !== "microsoft.network/privateendpoints") {
      return error(400, "BadRequest", `expected a Microsoft.Network/privateEndpoints id, got a ${resourceTypeOf(endpointId)} id`);
    }
  } catch (cause) {
    return error(400, "BadRequest", cause instanceof Error ? cause.message : String(cause));
  }
  let runtime: ReturnType<typeof getRuntime>;
  try {
    runtime = getRuntime();
  } catch (cause) {
    return error(503, "NotReady", cause instanceof Error ? cause.message : String(cause));
  }
  const clients = runtime.clientsFor({ dryRun: true });
  const subscriptionIds = await subscriptionsInScope(clients, runtime.config);
  if (!isWithinScope(endpointId, { subscriptionIds })) return error(400, "BadRequest", `${endpointId} is outside the configured subscriptions`);
  try {
    const status = await readEndpointStatus(clients, runtime.config, endpointId, () => evaluateEndpoint({ runId: "status", endpointId, dryRun: true }));
    if (status === undefined) return error(404, "NotFound", `no private endpoint ${endpointId}`);
    return new HttpResponse({ status: 200, jsonBody: status });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    context.error(runLog(undefined, endpointId, `endpoint status: ${message}`));
    return error(502, "ArmUnavailable", message);
  }
};

app.http("endpointStatus", { route: "endpoints/{*rest}", methods: ["GET"], authLevel: "function", handler: endpointStatusHttp });
