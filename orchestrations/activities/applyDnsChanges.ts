/**
 * @module Activity: applies one batch of a sweep's DNS changes. Failed changes are reported in the
 * result, so one bad record never fails the sweep.
 */

import * as df from "durable-functions";
import type { ActivityHandler } from "durable-functions";
import type { InvocationContext } from "@azure/functions";
import type { DnsChanges } from "../../shared/dns/plan";
import { applyPlan } from "../applyPlan";
import type { DnsReport, RunError } from "../runReport";
import { Activities } from "../names";
import { getRuntime } from "../runtime";
import { runLog } from "../runLog";

export interface ApplyDnsChangesInput {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  changes: DnsChanges;
  /** The run's dry-run flag, resolved where the run started. */
  dryRun: boolean;
}

export async function applyDnsChanges(input: ApplyDnsChangesInput, context?: InvocationContext): Promise<{ dns: DnsReport; errors: RunError[] }> {
  const { config, clientsFor } = getRuntime();
  return applyPlan(clientsFor(input), input.changes, { ownerId: config.ownerId, dryRun: input.dryRun, log: (m, resourceId) => context?.log(runLog(input.runId, resourceId, m)) });
}

const applyDnsChangesHandler: ActivityHandler = (input: ApplyDnsChangesInput, context: InvocationContext) => applyDnsChanges(input, context);
df.app.activity(Activities.applyDnsChanges, { handler: applyDnsChangesHandler });
