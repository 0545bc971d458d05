/**
 * @module The run history: every run is a Durable instance of its own (see orchestrations/names.ts), so
 * the history is the instance store. Lists runs newest first with filters and paging, and purges runs
 * older than the retention. The Durable client returns every instance of a query (it follows the
 * extension's continuation tokens itself), so filtering and paging happen here.
 */

import type { DurableClient, DurableOrchestrationStatus } from "durable-functions";
import { OrchestrationRuntimeStatus } from "durable-functions";
import { keyOfRunId, RUN_KINDS, instanceIdFor, sweepKeyFor } from "../orchestrations/names";
import type { RunOrchestration } from "../orchestrations/names";
import { changesOf, countOf, currentShapeOf } from "../orchestrations/runReport";
import type { RunReport } from "../orchestrations/runReport";
import { parseResourceId, resourceTypeOf } from "../shared/resourceId";

export type RunKind = RunReport["kind"];

export interface RunsQuery {
  key?: string;
  kind?: RunKind;
  since?: Date;
  status?: OrchestrationRuntimeStatus[];
  hasErrors?: boolean;
  hasChanges?: boolean;
  /** Runs per page. */
  top: number;
  /** Where the previous page ended (its `continuationToken`). */
  after?: { createdTime: string; id: string };
}

/** One run in a listing: enough to pick the one to open with `GET /api/runs/{id}`. */
export interface RunSummary {
  id: string;
  key: string;
  kind: RunKind;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  dryRun: boolean;
  /** The resource id of the key, or `scope`; from the report, so absent while the run is in flight. */
  target?: string;
  /** Every decision (a connection left Pending too), as the report counts them; absent in flight. */
  decisions?: number;
  /** Approvals and rejections carried out and records changed (or, in a dry run, that would be). */
  connectionChanges?: number;
  recordChanges?: number;
  errors?: number;
}

export interface RunsPage {
  schemaVersion: 1;
  runs: RunSummary[];
  /** Pass as `continuationToken` for the next (older) page; absent on the last page. */
  continuationToken?: string;
}

const STATUSES: readonly OrchestrationRuntimeStatus[] = [
  OrchestrationRuntimeStatus.Pending,
  OrchestrationRuntimeStatus.Running,
  OrchestrationRuntimeStatus.Completed,
  OrchestrationRuntimeStatus.Failed,
  OrchestrationRuntimeStatus.Terminated,
];
const KINDS: readonly RunKind[] = ["endpoint", "resource", "sweep", "batchZoneMigration"];
export const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;
const QUERY_PARAMS = new Set(["key", "kind", "since", "status", "hasErrors", "hasChanges", "top", "continuationToken", "code"]);

/** The key for a `key` filter: a key as run ids start with, or the resource id of an endpoint, resource or subscription. */
export function keyFor(value: string): string {
  if (!value.startsWith("/")) return value.toLowerCase();
  const id = parseResourceId(value);
  if (id.namespace === undefined && id.resourceGroup === undefined) return sweepKeyFor(id.subscriptionId);
  return instanceIdFor(resourceTypeOf(id).toLowerCase() === "microsoft.network/privateendpoints" ? "endpoint" : "resource", value);
}

function parseFlag(name: string, value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new RangeError(`${name}: expected true or false, got ${JSON.stringify(value)}`);
}

/** Reads the query of `GET /api/runs`; throws a `RangeError` (or the id's `TypeError`) naming the bad parameter. */
export function parseRunsQuery(params: URLSearchParams): RunsQuery {
  for (const name of params.keys()) {
    if (!QUERY_PARAMS.has(name)) throw new RangeError(`${name}: unknown parameter; expected ${[...QUERY_PARAMS].filter((p) => p !== "code").join(", ")}`);
  }
  const query: RunsQuery = { top: DEFAULT_PAGE_SIZE };
  const key = params.get("key");
  if (key !== null) query.key = keyFor(key);
  const kind = params.get("kind");
  if (kind !== null) {
    if (!KINDS.includes(kind as RunKind)) throw new RangeError(`kind: expected ${KINDS.join(", ")}, got ${JSON.stringify(kind)}`);
    query.kind = kind as RunKind;
  }
  const since = params.get("since");
  if (since !== null) {
    const time = Date.parse(since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(time)) throw new RangeError(`since: expected an ISO 8601 time like 2026-11-30T00:00:00Z, got ${JSON.stringify(since)}`);
    query.since = new Date(time);
  }
  const status = params.get("status");
  if (status !== null) {
    query.status = status.split(",").map((part) => {
      const found = STATUSES.find((s) => s.toLowerCase() === part.trim().toLowerCase());
      if (found === undefined) throw new RangeError(`status: expected ${STATUSES.join(", ")} (comma-separated), got ${JSON.stringify(part)}`);
      return found;
    });
  }
  const hasErrors = params.get("hasErrors");
  if (hasErrors !== null) query.hasErrors = parseFlag("hasErrors", hasErrors);
  const hasChanges = params.get("hasChanges");
  if (hasChanges !== null) query.hasChanges = parseFlag("hasChanges", hasChanges);
  const top = params.get("top");
  if (top !== null) {
    const n = Number(top);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw new RangeError(`top: expected a whole number from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(top)}`);
    query.top = n;
  }
  const token = params.get("continuationToken");
  if (token !== null) {
    const after: unknown = (() => {
      try {
        return JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
      } catch {
        return undefined;
      }
    })();
    if (!Array.isArray(after) || after.length !== 2 || typeof after[0] !== "string" || typeof after[1] !== "string") {
      throw new RangeError("continuationToken: not one this API gave out");
    }
    query.after = { createdTime: after[0], id: after[1] };
  }
  return query;
}

function isRunOrchestration(name: string): name is RunOrchestration {
  return Object.hasOwn(RUN_KINDS, name);
}

/** The run's report, when it finished with one. */
export function reportOf(status: Pick<DurableOrchestrationStatus, "output">): RunReport | undefined {
  const output = status.output as unknown;
  return typeof output === "object" && output !== null && "dns" in output ? currentShapeOf(output as RunReport) : undefined;
}

/** The listing entry of a run instance, or `undefined` for an instance that is not a run (a key's lock). */
export function summarizeRun(status: DurableOrchestrationStatus): RunSummary | undefined {
  if (!isRunOrchestration(status.name)) return undefined;
  const report = reportOf(status);
  const input = status.input as { dryRun?: unknown } | null | undefined;
  const summary: RunSummary = {
    id: status.instanceId,
    key: keyOfRunId(status.instanceId),
    kind: RUN_KINDS[status.name],
    runtimeStatus: String(status.runtimeStatus),
    // The client hands the extension's JSON through: the times are strings, whatever its types say.
    createdTime: new Date(status.createdTime).toISOString(),
    lastUpdatedTime: new Date(status.lastUpdatedTime).toISOString(),
    dryRun: report?.dryRun ?? input?.dryRun === true,
  };
  if (report === undefined) return summary;
  const changes = changesOf(report);
  return { ...summary, target: report.target, decisions: countOf(report, "decisions"), connectionChanges: changes.decisions, recordChanges: changes.records, errors: report.errors.length };
}

function newestFirst(a: RunSummary, b: RunSummary): number {
  return b.createdTime.localeCompare(a.createdTime) || b.id.localeCompare(a.id);
}

/** One page of the runs that match `query`, newest first. Pure: `statuses` is every instance the store returned. */
export function pageOfRuns(statuses: readonly DurableOrchestrationStatus[], query: RunsQuery): RunsPage {
  const runs = statuses
    .map(summarizeRun)
    .filter((run): run is RunSummary => run !== undefined)
    .filter((run) => query.key === undefined || run.key === query.key)
    .filter((run) => query.kind === undefined || run.kind === query.kind)
    .filter((run) => query.since === undefined || run.createdTime >= query.since.toISOString())
    .filter((run) => query.status === undefined || query.status.some((s) => s === run.runtimeStatus))
    .filter((run) => query.hasErrors === undefined || (run.errors !== undefined && run.errors > 0) === query.hasErrors)
    .filter((run) => query.hasChanges === undefined || ((run.connectionChanges ?? 0) + (run.recordChanges ?? 0) > 0) === query.hasChanges)
    .sort(newestFirst);
  const after = query.after;
  const start = after === undefined ? 0 : runs.findIndex((run) => newestFirst({ createdTime: after.createdTime, id: after.id } as RunSummary, run) < 0);
  const from = start < 0 ? runs.length : start;
  const page = runs.slice(from, from + query.top);
  const last = page.at(-1);
  const more = from + query.top < runs.length && last !== undefined;
  return { schemaVersion: 1, runs: page, ...(more ? { continuationToken: Buffer.from(JSON.stringify([last.createdTime, last.id])).toString("base64url") } : {}) };
}

/** Lists runs through the durable client; `since` and `status` narrow the store's query too. */
export async function listRuns(client: DurableClient, query: RunsQuery): Promise<RunsPage> {
  const statuses = await client.getStatusBy({
    ...(query.since !== undefined ? { createdTimeFrom: query.since } : {}),
    ...(query.status !== undefined ? { runtimeStatus: query.status } : {}),
  });
  return pageOfRuns(statuses, query);
}

/** Purges the history of every finished instance (runs and key locks) created before `cutoff`; returns how many went. */
export async function purgeRunsCreatedBefore(client: DurableClient, cutoff: Date): Promise<number> {
  // The extension's purge-by-query requires createdTimeFrom.
  const result = await client.purgeInstanceHistoryBy({
    createdTimeFrom: new Date(0),
    createdTimeTo: cutoff,
    runtimeStatus: [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated],
  });
  return result.instancesDeleted;
}
