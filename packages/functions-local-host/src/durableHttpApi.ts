/**
 * @module Serves the Durable extension's HTTP API (`/runtime/webhooks/durabletask/...`, also the
 * client's `rpcBaseUrl`) over the durable runner, with the status codes durable-functions'
 * DurableClient expects: start 202 (409 when the id is still running), status 200/202/404,
 * raise/terminate 202/404/410, purge 200/404/412.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { durableWebhookPath, createManagementPayload } from "./durableClientData";
import type { DurableRunner, InstanceQuery, InstanceStatus, RuntimeStatus } from "./durableRunner";
import { readRequestBody, sendJson } from "./httpIo";

export interface DurableHttpApiOptions {
  readonly runner: DurableRunner;
  readonly taskHubName: string;
  /** Largest accepted request body. */
  readonly maxBodyBytes: number;
}

const runtimeStatusNames: readonly RuntimeStatus[] = ["Pending", "Running", "Completed", "Failed", "Terminated", "ContinuedAsNew"];
const unsupportedOperations = new Set(["suspend", "resume", "rewind", "restart"]);
const maxWaitSeconds = 3600;

function errorBody(message: string): { Message: string } {
  return { Message: message };
}

function parseBoolean(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  return undefined;
}

function parseDate(value: string | null): Date | undefined {
  if (value === null || value === "") return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

function parseStatuses(value: string | null): RuntimeStatus[] | undefined {
  if (value === null) return undefined;
  const wanted = value
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== "");
  const statuses = runtimeStatusNames.filter((status) => wanted.includes(status.toLowerCase()));
  return statuses.length > 0 ? statuses : undefined;
}

function queryFrom(search: URLSearchParams): InstanceQuery {
  return {
    runtimeStatus: parseStatuses(search.get("runtimeStatus")),
    createdTimeFrom: parseDate(search.get("createdTimeFrom")),
    createdTimeTo: parseDate(search.get("createdTimeTo")),
    instanceIdPrefix: search.get("instanceIdPrefix") ?? undefined,
    showInput: parseBoolean(search.get("showInput")),
  };
}

function isRunning(status: InstanceStatus): boolean {
  return status.runtimeStatus === "Pending" || status.runtimeStatus === "Running" || status.runtimeStatus === "ContinuedAsNew";
}

async function readJsonText(request: IncomingMessage, maxBodyBytes: number): Promise<string | undefined> {
  const text = (await readRequestBody(request, maxBodyBytes)).toString("utf8");
  if (text.trim() === "") return undefined;
  JSON.parse(text);
  return text;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when `pathname` belongs to the durable webhook API. */
export function isDurableApiPath(pathname: string): boolean {
  return pathname === durableWebhookPath || pathname.startsWith(`${durableWebhookPath}/`);
}

/** Handles one request under `/runtime/webhooks/durabletask`; management URLs use the request's own origin. */
export async function handleDurableApiRequest(request: IncomingMessage, response: ServerResponse, url: URL, options: DurableHttpApiOptions): Promise<void> {
  const { runner, taskHubName } = options;
  const method = request.method ?? "GET";
  const segments = url.pathname
    .slice(durableWebhookPath.length)
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => decodeURIComponent(segment));
  const [controller, first, second, third] = segments;

  const sendStatus = (status: InstanceStatus): void => {
    const failedAs500 = status.runtimeStatus === "Failed" && parseBoolean(url.searchParams.get("returnInternalServerErrorOnFailure")) === true;
    if (isRunning(status)) sendJson(response, 202, status, { Location: url.href, "Retry-After": "5" });
    else sendJson(response, failedAs500 ? 500 : 200, status);
  };

  if (controller === "orchestrators" && first !== undefined && segments.length <= 3) {
    if (method !== "POST") return sendJson(response, 404, errorBody(`${method} is not supported on orchestrators/`));
    let inputJson: string | undefined;
    try {
      inputJson = await readJsonText(request, options.maxBodyBytes);
    } catch (error) {
      return sendJson(response, 400, errorBody(`Invalid JSON content: ${error instanceof Error ? error.message : String(error)}`));
    }
    let started;
    try {
      started = await runner.startNew(first, second, inputJson);
    } catch (error) {
      return sendJson(response, 400, errorBody(error instanceof Error ? error.message : String(error)));
    }
    if (started.kind === "conflict") {
      return sendJson(response, 409, errorBody(`An Orchestration instance with the status ${started.runtimeStatus} already exists.`));
    }
    const payload = createManagementPayload(url.origin, taskHubName, started.instanceId);
    const timeout = Number(url.searchParams.get("timeout"));
    const interval = Number(url.searchParams.get("pollingInterval"));
    if (timeout > 0 && interval > 0) {
      const deadline = Date.now() + Math.min(timeout, maxWaitSeconds) * 1000;
      for (;;) {
        const status = runner.getStatus(started.instanceId);
        if (status && status.runtimeStatus === "Completed") return sendJson(response, 200, status.output);
        if (status && !isRunning(status)) return sendStatus(status);
        if (Date.now() >= deadline) break;
        await sleep(Math.min(interval * 1000, Math.max(0, deadline - Date.now())));
      }
    }
    return sendJson(response, 202, payload, { Location: payload.statusQueryGetUri, "Retry-After": "10" });
  }

  if (controller === "instances") {
    const instanceId = first;
    if (instanceId === undefined) {
      if (method === "GET") {
        const all = runner.listInstances(queryFrom(url.searchParams));
        const top = Number(url.searchParams.get("top"));
        if (!(top > 0)) return sendJson(response, 200, all);
        const offset = Number(request.headers["x-ms-continuation-token"] ?? 0) || 0;
        const page = all.slice(offset, offset + top);
        const next = offset + top < all.length ? { "x-ms-continuation-token": String(offset + top) } : {};
        return sendJson(response, 200, page, next);
      }
      if (method === "DELETE") {
        const query = queryFrom(url.searchParams);
        if (!query.createdTimeFrom) return sendJson(response, 400, errorBody("Please provide value for 'createdTimeFrom' parameter."));
        const deleted = await runner.purgeInstances(query);
        return deleted === 0 ? sendJson(response, 404, errorBody("No matching instances")) : sendJson(response, 200, { instancesDeleted: deleted });
      }
      return sendJson(response, 404, errorBody(`${method} is not supported on instances/`));
    }
    if (second === undefined) {
      if (method === "GET") {
        const status = runner.getStatus(instanceId, {
          showHistory: parseBoolean(url.searchParams.get("showHistory")),
          showHistoryOutput: parseBoolean(url.searchParams.get("showHistoryOutput")),
          showInput: parseBoolean(url.searchParams.get("showInput")),
        });
        return status ? sendStatus(status) : sendJson(response, 404, errorBody(`No instance with ID '${instanceId}' found.`));
      }
      if (method === "DELETE") {
        const purged = await runner.purge(instanceId);
        if (purged === "purged") return sendJson(response, 200, { instancesDeleted: 1 });
        if (purged === "notFound") return sendJson(response, 404, errorBody(`No instance with ID '${instanceId}' found.`));
        return sendJson(response, 412, errorBody(`Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has not finished`));
      }
      return sendJson(response, 404, errorBody(`${method} is not supported on instances/{instanceId}`));
    }
    if (method === "POST" && second === "raiseEvent" && third !== undefined) {
      let dataJson: string | undefined;
      try {
        dataJson = await readJsonText(request, options.maxBodyBytes);
      } catch (error) {
        return sendJson(response, 400, errorBody(`Invalid JSON content: ${error instanceof Error ? error.message : String(error)}`));
      }
      const raised = await runner.raiseEvent(instanceId, third, dataJson);
      return sendResult(response, raised, instanceId);
    }
    if (method === "POST" && second === "terminate") {
      const terminated = await runner.terminate(instanceId, url.searchParams.get("reason") ?? undefined);
      return sendResult(response, terminated, instanceId);
    }
    if (method === "POST" && unsupportedOperations.has(second)) {
      return sendJson(response, 501, errorBody(`'${second}' is not supported by the local host`));
    }
    return sendJson(response, 404, errorBody(`Unknown durable operation ${method} ${url.pathname}`));
  }

  if (controller === "entities") return sendJson(response, 501, errorBody("Durable entities are not supported by the local host"));
  return sendJson(response, 404, errorBody(`Unknown durable API path ${url.pathname}`));
}

function sendResult(response: ServerResponse, result: "accepted" | "notFound" | "gone", instanceId: string): void {
  if (result === "accepted") {
    response.writeHead(202);
    response.end();
  } else if (result === "notFound") sendJson(response, 404, errorBody(`No instance with ID '${instanceId}' found.`));
  else sendJson(response, 410, errorBody(`The instance '${instanceId}' has already finished.`));
}
