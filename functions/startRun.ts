/**
 * @module Starts runs from every entry point. Every run has an id of its own (its key plus its start
 * time). Live runs go through their key's lock (runsForKey, instance id = the key), so a key has one
 * run at a time: when the lock is in flight, it is nudged to run once more instead of starting a second
 * run. Requested dry runs start without the lock so they never disturb a live run.
 *
 * Dry run is resolved here, once per run: `AUTOPILOT_DRY_RUN` or the caller's `dryRun`. The run carries
 * the result in its input and report; its activities build read-only ARM clients from it.
 */

import type { DurableClient, DurableOrchestrationStatus } from "durable-functions";
import type { ReconcileRequest } from "../shared/domain";
import type { Config } from "../shared/config";
import type { ReconcileEndpointInput } from "../orchestrations/reconcileEndpoint";
import type { ReconcileResourceInput } from "../orchestrations/reconcileResource";
import type { DriftSweepInput } from "../orchestrations/driftSweep";
import type { BatchZoneMigrationInput } from "../orchestrations/batchZoneMigration";
import { batchZoneMigrationKeyFor, instanceIdFor, NUDGE_EVENT, Orchestrations, runIdFor, sweepKeyFor } from "../orchestrations/names";
import type { RunOrchestration } from "../orchestrations/names";
import type { RunsForKeyInput } from "../orchestrations/runsForKey";
import { getRuntime } from "../orchestrations/runtime";
import { subscriptionsInScope } from "../orchestrations/scope";

export interface StartedRun {
  /** The run's id when it `started`; the key (whose latest run `GET /api/runs/{key}` answers) otherwise. */
  instanceId: string;
  /** The run's key: one run per key at a time. */
  key: string;
  /** `started` a new run, `nudged` one in flight, or found a sweep `alreadyRunning`. */
  action: "started" | "nudged" | "alreadyRunning";
  /** Whether the run is a dry run (the setting, or the caller's request). */
  dryRun: boolean;
}

export interface StartRunOptions {
  /** A dry run on request; `AUTOPILOT_DRY_RUN` makes every run one, whatever is asked. */
  dryRun?: boolean;
  reason: string;
  /** The subscriptions in scope when the caller has resolved them; otherwise resolved here. */
  subscriptionIds?: readonly string[];
}

const IN_FLIGHT = new Set(["Pending", "Running", "ContinuedAsNew"]);

/** Whether a run is a dry run, and whether it gets an instance of its own (a requested dry run beside live runs). */
export function resolveDryRun(config: Config, options: StartRunOptions): { dryRun: boolean; ownInstance: boolean } {
  const requested = options.dryRun === true;
  return { dryRun: config.dryRun || requested, ownInstance: requested && !config.dryRun };
}

async function scopeOf(config: Config, options: StartRunOptions): Promise<string[]> {
  return options.subscriptionIds !== undefined ? [...options.subscriptionIds] : subscriptionsInScope(getRuntime().clients, config);
}

/** The instance's status, or `undefined` when there is no such instance. */
export async function getRunStatus(client: DurableClient, instanceId: string): Promise<DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(instanceId, { showInput: false });
  } catch (error) {
    // The durable client reports an unknown instance only in the message of a plain Error.
    if (error instanceof Error && /HTTP 404/.test(error.message)) return undefined;
    throw error;
  }
}

export async function isInFlight(client: DurableClient, instanceId: string): Promise<boolean> {
  const status = await getRunStatus(client, instanceId);
  return status !== undefined && IN_FLIGHT.has(String(status.runtimeStatus));
}

/** Starts (or nudges) the reconciliation of one endpoint or resource. */
export async function startReconcile(client: DurableClient, config: Config, request: Exclude<ReconcileRequest, { kind: "networkInterface" }>, options: StartRunOptions): Promise<StartedRun> {
  const { dryRun, ownInstance } = resolveDryRun(config, options);
  const key = instanceIdFor(request.kind, request.id);
  const subscriptionIds = request.kind === "resource" ? await scopeOf(config, options) : [];
  const [orchestration, input]: [RunOrchestration, ReconcileEndpointInput | ReconcileResourceInput] =
    request.kind === "endpoint"
      ? [Orchestrations.reconcileEndpoint, { endpointId: request.id, dryRun, reason: options.reason }]
      : [Orchestrations.reconcileResource, { resourceId: request.id, subscriptionIds, dryRun, concurrency: config.sweepConcurrency, reason: options.reason }];
  if (ownInstance) return startDryRun(client, key, orchestration, input);
  // Two events for one key may race: the loser of a start nudges the winner, and a nudge that
  // finds the run already finished starts a new one. Bounded: a few rounds at most.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await isInFlight(client, key)) {
      await client.raiseEvent(key, NUDGE_EVENT, { reason: options.reason });
      if (await isInFlight(client, key)) return { instanceId: key, key, action: "nudged", dryRun };
      continue;
    }
    try {
      const runId = await startLocked(client, { key, orchestration, input, goesRound: true, logResource: request.id });
      return { instanceId: runId, key, action: "started", dryRun };
    } catch (error) {
      if (!(error instanceof Error && /\b409\b/.test(error.message))) throw error;
    }
  }
  throw new Error(`Could not start or nudge ${key}: it kept starting and finishing under us; the next event or sweep reconciles it`);
}

/** Starts a drift sweep of the whole scope or of one subscription, unless one is already running. */
export async function startSweep(client: DurableClient, config: Config, options: StartRunOptions & { subscriptionId?: string }): Promise<StartedRun> {
  const { dryRun, ownInstance } = resolveDryRun(config, options);
  const key = sweepKeyFor(options.subscriptionId);
  if (!ownInstance && (await isInFlight(client, key))) return { instanceId: key, key, action: "alreadyRunning", dryRun };
  const input: DriftSweepInput = {
    subscriptionIds: await scopeOf(config, options),
    ...(options.subscriptionId !== undefined ? { onlySubscriptionIds: [options.subscriptionId.toLowerCase()] } : {}),
    dryRun,
    concurrency: config.sweepConcurrency,
    reason: options.reason,
  };
  if (ownInstance) return startDryRun(client, key, Orchestrations.driftSweep, input);
  const runId = await startLocked(client, { key, orchestration: Orchestrations.driftSweep, input, goesRound: false });
  return { instanceId: runId, key, action: "started", dryRun };
}

/** Starts Batch's zone migration for one region or `all`, unless one for that key is already running. */
export async function startBatchZoneMigration(client: DurableClient, config: Config, options: StartRunOptions & { region: string }): Promise<StartedRun> {
  const { dryRun, ownInstance } = resolveDryRun(config, options);
  const key = batchZoneMigrationKeyFor(options.region);
  const input: BatchZoneMigrationInput = { region: options.region.toLowerCase(), dryRun, reason: options.reason };
  if (ownInstance) return startDryRun(client, key, Orchestrations.batchZoneMigration, input);
  if (await isInFlight(client, key)) return { instanceId: key, key, action: "alreadyRunning", dryRun };
  const runId = await startLocked(client, { key, orchestration: Orchestrations.batchZoneMigration, input, goesRound: false });
  return { instanceId: runId, key, action: "started", dryRun };
}

/** Starts the key's lock with a first run; returns that run's id. */
async function startLocked(client: DurableClient, lock: Omit<RunsForKeyInput, "runId">): Promise<string> {
  const runId = runIdFor(lock.key, new Date());
  await client.startNew(Orchestrations.runsForKey, { instanceId: lock.key, input: { ...lock, runId } satisfies RunsForKeyInput });
  return runId;
}

/** A requested dry run: an id of its own, no lock (it writes nothing, so it cannot race a live run). */
async function startDryRun(client: DurableClient, key: string, orchestration: RunOrchestration, input: unknown): Promise<StartedRun> {
  const instanceId = runIdFor(key, new Date(), { dryRun: true });
  await client.startNew(orchestration, { instanceId, input });
  return { instanceId, key, action: "started", dryRun: true };
}
