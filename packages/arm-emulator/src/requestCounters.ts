/**
 * @module Request counters: how many ARM requests the emulator served per operation
 * (`METHOD route:operation`), in total, and how many it answered 429.
 */

export interface CounterSnapshot {
  operations: Record<string, number>;
  total: number;
  throttled: number;
}

export class RequestCounters {
  private operations = new Map<string, number>();
  private total = 0;
  private throttled = 0;

  count(operation: string): void {
    this.operations.set(operation, (this.operations.get(operation) ?? 0) + 1);
    this.total++;
  }

  countThrottled(): void {
    this.throttled++;
  }

  snapshot(): CounterSnapshot {
    return { operations: Object.fromEntries([...this.operations].sort(([a], [b]) => a.localeCompare(b))), total: this.total, throttled: this.throttled };
  }

  reset(): void {
    this.operations = new Map();
    this.total = 0;
    this.throttled = 0;
  }
}
