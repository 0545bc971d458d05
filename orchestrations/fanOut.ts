/**
 * @module Orchestration step: runs one durable task per item, at most `concurrency` at once, and returns
 * their results in the items' order. The one fan-out every orchestrator uses.
 */

import type { OrchestrationContext, Task } from "durable-functions";

export function* fanOut<I, O>(context: OrchestrationContext, items: readonly I[], concurrency: number, task: (item: I) => Task): Generator<Task, O[], unknown> {
  const results: O[] = [];
  for (let i = 0; i < items.length; i += concurrency) {
    const tasks = items.slice(i, i + concurrency).map(task);
    results.push(...((yield context.df.Task.all(tasks)) as O[]));
  }
  return results;
}
