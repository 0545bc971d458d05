/**
 * @module Type declarations for durable-functions' internal replay entry points
 * (`lib/src/util/testingUtils.js`), which the package ships without typings.
 * The local host and history-replay tests drive orchestrations through them.
 */
declare module "durable-functions/lib/src/util/testingUtils.js" {
  import type { InvocationContext } from "@azure/functions";
  import type { OrchestrationHandler } from "durable-functions";

  /** What one replay returns: the cumulative actions since the execution started, and the result when done. */
  export interface OrchestratorState {
    readonly isDone: boolean;
    /** Schema V3: `[[action, ...]]`, where WhenAll/WhenAny actions nest their children in `compoundActions`. */
    readonly actions: unknown[][];
    readonly output?: unknown;
    readonly error?: string;
    readonly customStatus?: unknown;
    readonly schemaVersion: number;
  }

  /** A registered orchestration handler: one replay of the history. Throws `OrchestrationFailureError` on failure. */
  export type OrchestratorFunction = (trigger: DurableOrchestrationInput, context: InvocationContext) => Promise<OrchestratorState>;

  /** Wraps a generator handler the way `df.app.orchestration` does. */
  export function createOrchestrator(fn: OrchestrationHandler): OrchestratorFunction;

  /** The orchestration trigger payload the Durable extension sends to the worker. */
  export class DurableOrchestrationInput {
    constructor(
      instanceId?: string,
      history?: unknown[],
      input?: unknown,
      longRunningTimerIntervalDuration?: string,
      maximumShortTimerDuration?: string,
      defaultHttpAsyncRequestSleepTimeMillseconds?: number,
      schemaVersion?: number,
      isReplaying?: boolean,
      parentInstanceId?: string,
    );
  }
}
