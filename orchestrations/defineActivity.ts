/**
 * @module Typed activity definitions: `defineActivity<I, O>(name, handler)` registers the activity and
 * returns typed calls for orchestrators. The one wrapper every activity goes through: a transient
 * failure (`isTransientArmError`) is thrown, so Durable retries it (`armRetry`); any other failure comes
 * back as a typed `ActivityFailure` with status, code and target kept, for the orchestrator to report.
 */

import * as df from "durable-functions";
import type { OrchestrationContext, Task } from "durable-functions";
import type { InvocationContext } from "@azure/functions";
import { isTransientArmError } from "../shared/azure/errors";
import { armRetry } from "./armRetry";
import { runErrorsOf } from "./runReport";
import type { RunError } from "./runReport";

/** An activity that failed for good: its errors, as the report keeps them. */
export interface ActivityFailure {
  failed: RunError[];
}

export function isActivityFailure(result: unknown): result is ActivityFailure {
  return typeof result === "object" && result !== null && Array.isArray((result as Partial<ActivityFailure>).failed);
}

export interface Activity<I, O> {
  readonly name: string;
  /** The handler itself (tests, and callers outside an orchestration): every failure is thrown. */
  readonly run: (input: I, context?: InvocationContext) => Promise<O>;
  /** The handler through the wrapper, as Durable invokes it: transient failures thrown, permanent ones returned. */
  readonly invoke: (input: I, context?: InvocationContext) => Promise<O | ActivityFailure>;
  /** The durable task of one call, with the bounded retry (for `fanOut`). Its result is `O | ActivityFailure`. */
  task(context: OrchestrationContext, input: I): Task;
  /** One call, for `yield*` in an orchestrator. */
  call(context: OrchestrationContext, input: I): Generator<Task, O | ActivityFailure, unknown>;
}

/**
 * Registers `handler` as the activity `name`. `targetOf` names what a failure concerns (the endpoint,
 * the resource, the scope) in the report.
 */
export function defineActivity<I, O>(name: string, targetOf: (input: I) => string, handler: (input: I, context?: InvocationContext) => Promise<O>): Activity<I, O> {
  const invoke = async (input: I, context?: InvocationContext): Promise<O | ActivityFailure> => {
    try {
      return await handler(input, context);
    } catch (error) {
      if (isTransientArmError(error)) throw error;
      return { failed: runErrorsOf(targetOf(input), error) };
    }
  };
  df.app.activity(name, { handler: invoke });
  const task = (context: OrchestrationContext, input: I): Task => context.df.callActivityWithRetry(name, armRetry(), input);
  return {
    name,
    run: handler,
    invoke,
    task,
    *call(context, input) {
      return (yield task(context, input)) as O | ActivityFailure;
    },
  };
}
