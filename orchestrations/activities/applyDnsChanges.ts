/**
 * @module Activity: applies one batch of a sweep's DNS changes. Failed changes are reported in the
 * result, so one bad record never fails the sweep.
 */

import type { InvocationContext } from "@azure/functions";
import type { DnsChanges } from "../../shared/dns/plan";
import { applyPlan } from "../applyPlan";
import type { AppliedPlan } from "../applyPlan";
import { Activities } from "../names";
import { defineActivity } from "../defineActivity";
import { getRuntime } from "../runtime";
import { runLog } from "../runLog";

export interface ApplyDnsChangesInput {
  /** The orchestration instance that called, for the log lines. */
  runId: string;
  changes: DnsChanges;
  /** The run's dry-run flag, resolved where the run started. */
  dryRun: boolean;
}

async function applyDnsChanges(input: ApplyDnsChangesInput, context?: InvocationContext): Promise<AppliedPlan> {
  const { config, clientsFor } = getRuntime();
  return applyPlan(clientsFor(input), input.changes, { ownerId: config.ownerId, dryRun: input.dryRun, log: (m, resourceId) => context?.log(runLog(input.runId, resourceId, m)) });
}

export const applyDnsChangesActivity = defineActivity<ApplyDnsChangesInput, AppliedPlan>(Activities.applyDnsChanges, () => "dns", applyDnsChanges);
