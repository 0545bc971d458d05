/**
 * @module The routes long-running operations are polled on: the providers' `locations/{location}/
 * operations|operationResults/{id}`, Private DNS's `privateDnsOperationStatuses|privateDnsOperationResults/{id}`
 * and ARM's own `/subscriptions/{sub}/operationresults/{id}` (resource moves).
 * The status answers `{status: InProgress|Succeeded|Failed}`; the result answers 202 while running, then the final answer.
 */
import { apiFamilyOf } from "./apiVersions";
import { ArmError } from "./armError";
import type { LongRunningOperation } from "./operations";
import type { ArmRequest, ArmResponse, Route, RouteContext } from "./router";
import { param, route } from "./router";

const LOCATION_BASE = "/subscriptions/{sub}/providers/{namespace}/locations/{location}";
const PRIVATE_DNS_BASE = "/subscriptions/{sub}/providers/Microsoft.Network";

function operationOf(request: ArmRequest, context: RouteContext): LongRunningOperation {
  const operation = context.operations.get(param(request, "id"));
  const namespace = request.params.namespace;
  if (operation === undefined || (namespace !== undefined && apiFamilyOf(namespace, undefined) === undefined)) {
    throw new ArmError(404, "OperationNotFound", `The operation '${param(request, "id")}' was not found.`);
  }
  return operation;
}

function status(request: ArmRequest, context: RouteContext): ArmResponse {
  const operation = operationOf(request, context);
  const body: Record<string, unknown> = {
    id: `/${request.segments.join("/")}`,
    name: operation.id,
    status: operation.status,
    startTime: operation.startTime,
    ...(operation.endTime !== undefined ? { endTime: operation.endTime } : {}),
    ...(operation.error !== undefined ? { error: operation.error } : {}),
  };
  return { status: 200, body, ...(operation.status === "InProgress" ? { headers: { "Retry-After": context.operations.retryAfter(operation) } } : {}) };
}

function result(request: ArmRequest, context: RouteContext): ArmResponse {
  const operation = operationOf(request, context);
  if (operation.status === "InProgress") {
    return { status: 202, headers: { Location: `${context.baseUrl}${request.url.pathname}${request.url.search}`, "Retry-After": context.operations.retryAfter(operation) } };
  }
  if (operation.status === "Failed") {
    const error = operation.error ?? { code: "InternalServerError", message: "The operation failed." };
    throw new ArmError(error.code === "Conflict" ? 409 : 500, error.code, error.message);
  }
  const done = operation.result ?? { status: 204 };
  return { status: done.status, ...(done.body !== undefined ? { body: done.body } : {}) };
}

export const OPERATION_ROUTES: readonly Route[] = [
  route("GET", `${LOCATION_BASE}/operations/{id}`, "operations:status", "byNamespace", "locations/operations", status),
  route("GET", `${LOCATION_BASE}/operationResults/{id}`, "operations:result", "byNamespace", "locations/operationResults", result),
  route("GET", `${PRIVATE_DNS_BASE}/privateDnsOperationStatuses/{id}`, "privateDnsOperations:status", "privateDns", "Microsoft.Network/privateDnsOperationStatuses", status),
  route("GET", `${PRIVATE_DNS_BASE}/privateDnsOperationResults/{id}`, "privateDnsOperations:result", "privateDns", "Microsoft.Network/privateDnsOperationResults", result),
  route("GET", "/subscriptions/{sub}/operationresults/{id}", "operations:resourceManagerResult", "resources", "Microsoft.Resources/operationresults", result),
];
