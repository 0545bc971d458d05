/**
 * @module Long-running operations: the status documents behind `Azure-AsyncOperation` and `Location`
 * URLs. An operation reports InProgress for the configured delay, then commits its change (and only
 * then do events go out) and reports Succeeded, or Failed with the ARM error its commit threw.
 */
import { ArmError } from "./armError";
import { newGuid } from "./random";

export type OperationStatus = "InProgress" | "Succeeded" | "Failed";

/** What the `Location` URL answers once the operation is done. */
export interface OperationResult {
  status: number;
  body?: Record<string, unknown>;
}

export interface LongRunningOperation {
  id: string;
  startTime: string;
  /** When the operation commits (epoch ms). */
  dueAt: number;
  endTime?: string;
  status: OperationStatus;
  error?: { code: string; message: string };
  result?: OperationResult;
}

export class OperationStore {
  private readonly operations = new Map<string, LongRunningOperation>();
  private readonly timers = new Set<NodeJS.Timeout>();

  /**
   * @param retryAfterSeconds a fixed Retry-After, or `null` to tell clients the time left (rounded
   *   up to whole seconds), so they neither spin nor wait longer than the operation takes.
   */
  constructor(
    private readonly delayMs: () => number,
    private readonly retryAfterSeconds: () => number | null = () => null,
  ) {}

  /**
   * Starts an operation. With no delay the commit runs before this returns, so the first response
   * already reflects it; otherwise it runs when the delay has passed.
   */
  start(commit: () => OperationResult): LongRunningOperation {
    const delay = this.delayMs();
    const operation: LongRunningOperation = { id: newGuid(), startTime: new Date().toISOString(), dueAt: Date.now() + Math.max(0, delay), status: "InProgress" };
    this.operations.set(operation.id, operation);
    const run = (): void => {
      try {
        operation.result = commit();
        operation.status = "Succeeded";
      } catch (error) {
        operation.status = "Failed";
        operation.error = error instanceof ArmError ? { code: error.code, message: error.message } : { code: "InternalServerError", message: String(error) };
      }
      operation.endTime = new Date().toISOString();
    };
    if (delay <= 0) {
      run();
    } else {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        run();
      }, delay);
      this.timers.add(timer);
    }
    return operation;
  }

  /** The Retry-After header value for a poll of `operation`. */
  retryAfter(operation: LongRunningOperation): string {
    const fixed = this.retryAfterSeconds();
    if (fixed !== null) return String(fixed);
    return operation.status === "InProgress" ? String(Math.max(0, Math.ceil((operation.dueAt - Date.now()) / 1000))) : "0";
  }

  get(id: string): LongRunningOperation | undefined {
    return this.operations.get(id);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
