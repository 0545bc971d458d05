/**
 * @module Orchestration: the lock that keeps one run per key at a time. Its instance id is the key, so
 * starting it while it runs fails (409) and the starter nudges it instead. It runs each run as a
 * sub-orchestration under an id of its own (the key plus the start time), so every run keeps its history
 * and report; when events for the key arrived during a run, it runs once more, with fresh reads.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import { goRoundAgainIfNudged } from "./goRoundAgainIfNudged";
import { Orchestrations, runIdFor } from "./names";
import type { RunOrchestration } from "./names";
import type { RunInput } from "./runSkeleton";

export interface RunsForKeyInput {
  key: string;
  orchestration: RunOrchestration;
  input: RunInput;
  /** The id of the next run; the starter picks the first, so that it can answer with it. */
  runId: string;
  /** Whether events for the key that arrive during a run make it run once more (not for sweeps). */
  goesRound: boolean;
  /** The resource the key stands for, for log lines. */
  logResource?: string;
}

/** What the lock shows as its custom status: the run it is on (or last ran). */
export interface RunsForKeyStatus {
  runId: string;
}

const runsForKeyOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const lock = context.df.getInput<RunsForKeyInput>();
  context.df.setCustomStatus({ runId: lock.runId } satisfies RunsForKeyStatus);
  try {
    yield context.df.callSubOrchestrator(lock.orchestration, lock.input, lock.runId);
  } catch {
    // The run's own status says why it failed; the lock still honours the events that came meanwhile.
  }
  if (!lock.goesRound) return { runId: lock.runId } satisfies RunsForKeyStatus;
  const next: RunsForKeyInput = {
    ...lock,
    runId: runIdFor(lock.key, context.df.currentUtcDateTime),
    input: { ...lock.input, round: (lock.input.round ?? 0) + 1, reason: `events that arrived during ${lock.runId}` },
  };
  if (yield* goRoundAgainIfNudged(context, next, lock.logResource ?? lock.key)) return undefined;
  return { runId: lock.runId } satisfies RunsForKeyStatus;
};
df.app.orchestration(Orchestrations.runsForKey, runsForKeyOrchestrator);
