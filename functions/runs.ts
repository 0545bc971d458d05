/**
 * @module HTTP manual runs and the run history: `POST /api/runs` starts a run for one endpoint, one
 * resource, one subscription or the whole scope (optionally a dry run); `GET /api/runs` lists runs newest
 * first (filters and paging: see runHistory.ts); `GET /api/runs/{id}` returns a run's status and report,
 * and for a key (e.g. `drift-sweep`) those of its latest run.
 */

import { app, HttpResponse } from "@azure/functions";
import type { HttpHandler, HttpRequest, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { z } from "zod";
import { GUID, isWithinScope, parseResourceId, resourceTypeOf } from "../shared/resourceId";
import { linkProviderFor } from "../shared/azure/providers";
import type { ReconcileRequest } from "../shared/domain";
import { formatRunReport } from "../orchestrations/formatRunReport";
import { Orchestrations } from "../orchestrations/names";
import type { RunsForKeyStatus } from "../orchestrations/runsForKey";
import { getRuntime } from "../orchestrations/runtime";
import { subscriptionsInScope } from "../orchestrations/scope";
import { runLog } from "../orchestrations/runLog";
import { REGION } from "../app/batchZoneMigration";
import { getRunStatus, startBatchZoneMigration, startReconcile, startSweep } from "./startRun";
import { listRuns, parseRunsQuery, reportOf } from "./runHistory";
import type { StartedRun } from "./startRun";

const SCOPE_EXPECTED =
  'expected "all", { "endpointId": "<private endpoint id>" }, { "resourceId": "<PaaS resource id>" }, { "subscriptionId": "<guid>" } or { "batchZoneMigration": "<region>" | "all" }';

const runRequestSchema = z
  .object({
    scope: z.union([
      z.literal("all"),
      z.strictObject({ endpointId: z.string() }),
      z.strictObject({ resourceId: z.string() }),
      z.strictObject({ subscriptionId: z.string().regex(GUID, "expected a subscription GUID") }),
      z.strictObject({ batchZoneMigration: z.string().regex(REGION, 'expected "all" or a region name like eastus') }),
    ], { error: SCOPE_EXPECTED }),
    dryRun: z.boolean({ error: "expected true or false" }).default(false),
  })
  .strict();

export type RunRequest = z.infer<typeof runRequestSchema>;

/** What a run request is checked against: the subscriptions in scope, and the management group they partly came from. */
export interface RunScope {
  subscriptionIds: readonly string[];
  managementGroupId?: string;
}

function describeScope(scope: RunScope): string {
  const shown = scope.subscriptionIds.slice(0, 5).join(", ");
  const more = scope.subscriptionIds.length > 5 ? ` and ${scope.subscriptionIds.length - 5} more` : "";
  const group = scope.managementGroupId !== undefined ? `; management group ${scope.managementGroupId} included` : "";
  return `${shown || "none"}${more}${group}`;
}

function badRequest(message: string): HttpResponse {
  return new HttpResponse({ status: 400, jsonBody: { error: { code: "BadRequest", message } } });
}

/** Validates a run request body against the resolved scope. Returns the request, or the message that says what was wrong. */
export function parseRunRequest(body: unknown, runScope: RunScope): RunRequest | string {
  const parsed = runRequestSchema.safeParse(body);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.code === "invalid_union" ? SCOPE_EXPECTED : i.message}`).join("; ");
  }
  const { scope } = parsed.data;
  const scopeIds = { subscriptionIds: runScope.subscriptionIds };
  if (scope === "all" || "batchZoneMigration" in scope) return parsed.data;
  const id = "endpointId" in scope ? scope.endpointId : "resourceId" in scope ? scope.resourceId : `/subscriptions/${scope.subscriptionId.toLowerCase()}`;
  try {
    const parsedId = parseResourceId(id);
    if ("endpointId" in scope && resourceTypeOf(parsedId).toLowerCase() !== "microsoft.network/privateendpoints") {
      return `scope.endpointId: expected a Microsoft.Network/privateEndpoints id, got a ${resourceTypeOf(parsedId)} id`;
    }
    if ("resourceId" in scope && parsedId.types.length !== 1) {
      return `scope.resourceId: expected the id of a PaaS resource (e.g. a Microsoft.Batch/batchAccounts id), got a ${resourceTypeOf(parsedId)} id`;
    }
    // A private endpoint's id (or any type without a Private Link provider) is not a resource run: RangeError naming the supported types.
    if ("resourceId" in scope) linkProviderFor(id);
  } catch (error) {
    return `scope: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!isWithinScope(id, scopeIds)) {
    return `scope: ${id} is outside the configured subscriptions (${describeScope(runScope)})`;
  }
  return parsed.data;
}

/** The answer to `POST /api/runs`: where to read the run, nothing of Durable's own management API. */
export interface StartRunAnswer {
  /** The run's id; when `nudged` or `alreadyRunning`, its key, which `GET /api/runs/{id}` follows to the latest run. */
  id: string;
  key: string;
  action: StartedRun["action"];
  dryRun: boolean;
  /** `GET` it (with the function key) for the run's status and report. */
  statusUrl: string;
}

export const startRunHttp: HttpHandler = async (request: HttpRequest, context: InvocationContext) => {
  let runtime: ReturnType<typeof getRuntime>;
  try {
    runtime = getRuntime();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.error(runLog(undefined, undefined, `manual run refused: ${message}`));
    return new HttpResponse({ status: 503, jsonBody: { error: { code: "NotReady", message } } });
  }
  const { config, clients } = runtime;
  let body: unknown;
  try {
    body = await request.json();
  } catch (error) {
    return badRequest(`body: expected JSON like { "scope": "all", "dryRun": true }; ${error instanceof Error ? error.message : String(error)}`);
  }
  let subscriptionIds: string[];
  try {
    subscriptionIds = await subscriptionsInScope(clients, config);
  } catch (error) {
    context.error(runLog(undefined, undefined, `manual run refused: ${error instanceof Error ? error.message : String(error)}`));
    return new HttpResponse({ status: 503, jsonBody: { error: { code: "ScopeUnavailable", message: error instanceof Error ? error.message : String(error) } } });
  }
  const runScope: RunScope = { subscriptionIds, ...(config.managementGroupId !== undefined ? { managementGroupId: config.managementGroupId } : {}) };
  const runRequest = parseRunRequest(body, runScope);
  if (typeof runRequest === "string") return badRequest(runRequest);
  const client = df.getClient(context);
  const { scope, dryRun } = runRequest;
  const reason = `manual run${dryRun || config.dryRun ? " (dry run)" : ""}`;
  let started: StartedRun;
  let resourceId: string | undefined;
  if (scope !== "all" && "batchZoneMigration" in scope) {
    started = await startBatchZoneMigration(client, config, { dryRun, reason, region: scope.batchZoneMigration });
  } else if (scope === "all" || "subscriptionId" in scope) {
    resourceId = scope === "all" ? undefined : `/subscriptions/${scope.subscriptionId.toLowerCase()}`;
    started = await startSweep(client, config, { dryRun, reason, subscriptionIds, ...(scope !== "all" ? { subscriptionId: scope.subscriptionId } : {}) });
  } else {
    const target: ReconcileRequest = "endpointId" in scope ? { kind: "endpoint", id: scope.endpointId, reason } : { kind: "resource", id: scope.resourceId, reason };
    resourceId = target.id;
    started = await startReconcile(client, config, target, { dryRun, reason, subscriptionIds });
  }
  context.log(runLog(started.instanceId, resourceId, `manual run: ${started.action} ${started.instanceId}${started.dryRun ? " (dry run)" : ""}`));
  const statusUrl = new URL(`/api/runs/${started.instanceId}`, request.url).href;
  const answer: StartRunAnswer = { id: started.instanceId, key: started.key, action: started.action, dryRun: started.dryRun, statusUrl };
  return new HttpResponse({ status: 202, headers: { Location: statusUrl }, jsonBody: answer });
};

app.http("startRun", { route: "runs", methods: ["POST"], authLevel: "function", extraInputs: [df.input.durableClient()], handler: startRunHttp });

export const listRunsHttp: HttpHandler = async (request: HttpRequest, context: InvocationContext) => {
  let query: ReturnType<typeof parseRunsQuery>;
  try {
    query = parseRunsQuery(request.query);
  } catch (error) {
    return badRequest(error instanceof Error ? error.message : String(error));
  }
  return new HttpResponse({ status: 200, jsonBody: await listRuns(df.getClient(context), query) });
};

app.http("listRuns", { route: "runs", methods: ["GET"], authLevel: "function", extraInputs: [df.input.durableClient()], handler: listRunsHttp });

export const getRunHttp: HttpHandler = async (request: HttpRequest, context: InvocationContext) => {
  const id = request.params["instanceId"] ?? "";
  const client = df.getClient(context);
  let status = await getRunStatus(client, id);
  if (status === undefined) {
    return new HttpResponse({ status: 404, jsonBody: { error: { code: "NotFound", message: `no run with id ${JSON.stringify(id)}` } } });
  }
  // A key's lock: answer with the run it is on, or ran last (the lock alone until that run exists).
  if (status.name === Orchestrations.runsForKey) {
    const runId = (status.customStatus as Partial<RunsForKeyStatus> | null | undefined)?.runId;
    status = (typeof runId === "string" ? await getRunStatus(client, runId) : undefined) ?? status;
  }
  const report = reportOf(status);
  if (request.query.get("format") === "text") {
    return new HttpResponse({ status: 200, body: report !== undefined ? `${formatRunReport(report)}\n` : `${status.instanceId}: ${String(status.runtimeStatus)}\n` });
  }
  return new HttpResponse({
    status: 200,
    jsonBody: {
      instanceId: status.instanceId,
      name: status.name,
      runtimeStatus: status.runtimeStatus,
      createdTime: status.createdTime,
      lastUpdatedTime: status.lastUpdatedTime,
      customStatus: status.customStatus ?? null,
      report: report ?? null,
    },
  });
};

app.http("getRun", { route: "runs/{instanceId}", methods: ["GET"], authLevel: "function", extraInputs: [df.input.durableClient()], handler: getRunHttp });
