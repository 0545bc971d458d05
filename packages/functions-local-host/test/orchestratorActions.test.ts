import type { InvocationContext } from "@azure/functions";
import { InvocationContext as Context } from "@azure/functions";
import * as df from "durable-functions";
import type { OrchestrationHandler } from "durable-functions";
import { createOrchestrator, DurableOrchestrationInput } from "durable-functions/lib/src/util/testingUtils.js";
import { describe, expect, it } from "vitest";
import { decodeProcessedInput, flattenActions, retryDelayMs, takesTaskId } from "../src/orchestratorActions";

const startedAt = "2024-05-01T10:00:00.000Z";

async function firstReplay(handler: OrchestrationHandler): Promise<unknown> {
  const orchestrator = createOrchestrator(handler);
  const history = [
    { EventType: 12, EventId: -1, IsPlayed: false, Timestamp: startedAt },
    { EventType: 0, EventId: -1, IsPlayed: false, Timestamp: startedAt, Name: "test", Input: "{}" },
  ];
  const state = await orchestrator(new DurableOrchestrationInput("id", history, {}, "3.00:00:00", "6.00:00:00", 30000, 2), new Context({ functionName: "test" }) as InvocationContext);
  return state.actions;
}

describe("flattenActions", () => {
  it("lists the leaves of nested Task.all / Task.any in the order the executor numbers them", async () => {
    const actions = await firstReplay(function* (context) {
      const fireAt = new Date(Date.parse(startedAt) + 60_000);
      yield context.df.Task.all([
        context.df.callActivity("a", "text input"),
        context.df.Task.any([context.df.waitForExternalEvent("go"), context.df.createTimer(fireAt)]),
        context.df.callActivityWithRetry("b", new df.RetryOptions(100, 3), { n: 1 }),
        context.df.callSubOrchestrator("child", { n: 2 }, "child-1"),
      ]);
      return undefined;
    });
    const leaves = flattenActions(actions);
    expect(leaves).toEqual([
      { kind: "activity", functionName: "a", input: "text input" },
      { kind: "waitForEvent", name: "go" },
      { kind: "timer", fireAt: "2024-05-01T10:01:00.000Z", isCanceled: false },
      { kind: "activity", functionName: "b", input: { n: 1 }, retry: { firstRetryIntervalInMilliseconds: 100, maxNumberOfAttempts: 3, backoffCoefficient: 1, maxRetryIntervalInMilliseconds: undefined } },
      { kind: "subOrchestration", functionName: "child", instanceId: "child-1", input: { n: 2 }, retry: undefined },
    ]);
    expect(leaves.map(takesTaskId)).toEqual([true, false, true, true, true]);
  });

  it("reports actions the host does not run by name", async () => {
    const actions = await firstReplay(function* (context) {
      yield context.df.callHttp({ method: "GET", url: "http://127.0.0.1:9/" });
      return undefined;
    });
    expect(flattenActions(actions)).toEqual([{ kind: "unsupported", actionType: 8, typeName: "CallHttp" }]);
  });

  it("decodes the JSON-encoded string inputs durable-functions produces", () => {
    expect(decodeProcessedInput(JSON.stringify("abc"))).toBe("abc");
    expect(decodeProcessedInput({ a: 1 })).toEqual({ a: 1 });
  });
});

describe("retryDelayMs", () => {
  it("backs off by the coefficient from the first interval and caps at the maximum", () => {
    const policy = { firstRetryIntervalInMilliseconds: 100, maxNumberOfAttempts: 5, backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 300 };
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(policy, attempt))).toEqual([100, 200, 300, 300]);
    expect(retryDelayMs({ ...policy, maxRetryIntervalInMilliseconds: undefined }, 4)).toBe(800);
    expect(retryDelayMs({ ...policy, backoffCoefficient: 1 }, 3)).toBe(100);
  });
});
