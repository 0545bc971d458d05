/**
 * @module Orchestration step: runs one durable task per item, at most `concurrency` at once, and returns
 * their results in the items' order. The one fan-out every orchestrator uses. A task that fails (after
 * its retries) does not fail the others: its item gets `onFailure`'s result, so the failure is reported
 * where it happened.
 */

import type { OrchestrationContext, Task } from "durable-functions";

export function* fanOut<I, O>(
  context: OrchestrationContext,
  items: readonly I[],
  concurrency: number,
  task: (item: I) => Task,
  onFailure: (item: I, error: unknown) => O,
): Generator<Task, O[], unknown> {
  const results: O[] = [];
  for (let i = 0; i < items.length; i += concurrency) {
    const chunk = items.slice(i, i + concurrency);
    const tasks = chunk.map(task);
    try {
      results.push(...((yield context.df.Task.all(tasks)) as O[]));
    } catch (error) {
      // Task.all fails at the first failure: keep what the others already returned.
      for (const [j, item] of chunk.entries()) {
        const t = tasks[j];
        results.push(t !== undefined && t.isCompleted && !t.isFaulted ? (t.result as O) : onFailure(item, error));
      }
    }
  }
  return results;
}
