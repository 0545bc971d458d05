/**
 * @module Request counters: how many ARM requests the emulator served per operation
 * (`METHOD route:operation`), in total, how many it answered 429, and the most writes (PUT, PATCH,
 * POST, DELETE) it had in flight at once, so a client's concurrency limit can be observed.
 */

export interface CounterSnapshot {
  operations: Record<string, number>;
  total: number;
  throttled: number;
  /** The most write requests being served at the same moment since the last reset. */
  maxWritesInFlight: number;
}

export class RequestCounters {
  private operations = new Map<string, number>();
  private total = 0;
  private throttled = 0;
  private writesInFlight = 0;
  private maxWritesInFlight = 0;

  count(operation: string): void {
    this.operations.set(operation, (this.operations.get(operation) ?? 0) + 1);
    this.total++;
  }

  /** A write request starts being served; call the returned function once its response is done. */
  writeStarted(): () => void {
    this.writesInFlight++;
    this.maxWritesInFlight = Math.max(this.maxWritesInFlight, this.writesInFlight);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.writesInFlight--;
    };
  }

  countThrottled(): void {
    this.throttled++;
  }

  snapshot(): CounterSnapshot {
    return { operations: Object.fromEntries([...this.operations].sort(([a], [b]) => a.localeCompare(b))), total: this.total, throttled: this.throttled, maxWritesInFlight: this.maxWritesInFlight };
  }

  reset(): void {
    this.operations = new Map();
    this.total = 0;
    this.throttled = 0;
    this.maxWritesInFlight = this.writesInFlight;
  }
}
