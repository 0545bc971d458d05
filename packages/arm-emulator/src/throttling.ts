/**
 * @module ARM-style throttling: token buckets per subscription and principal for reads, writes and
 * deletes, refilled continuously. An empty bucket means 429 with `Retry-After`.
 */

export type RequestClass = "reads" | "writes" | "deletes";

export interface BucketLimits {
  capacity: number;
  refillPerSecond: number;
}

export interface ThrottlingSettings {
  enabled: boolean;
  reads: BucketLimits;
  writes: BucketLimits;
  deletes: BucketLimits;
}

/** Azure Resource Manager's published per-principal limits (token bucket algorithm). */
export const DEFAULT_THROTTLING: ThrottlingSettings = {
  enabled: false,
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
  deletes: { capacity: 200, refillPerSecond: 10 },
};

export interface ThrottleDecision {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export function requestClassOf(method: string): RequestClass {
  const m = method.toUpperCase();
  if (m === "GET" || m === "HEAD") return "reads";
  if (m === "DELETE") return "deletes";
  return "writes";
}

export class Throttler {
  private settings: ThrottlingSettings;
  private readonly initial: ThrottlingSettings;
  private readonly buckets = new Map<string, Bucket>();

  constructor(enabled: boolean, private readonly now: () => number = Date.now) {
    this.initial = structuredClone({ ...DEFAULT_THROTTLING, enabled });
    this.settings = structuredClone(this.initial);
  }

  /** Back to the settings the emulator started with, buckets full. */
  restore(): void {
    this.settings = structuredClone(this.initial);
    this.buckets.clear();
  }

  configure(settings: Partial<ThrottlingSettings>): ThrottlingSettings {
    this.settings = { ...this.settings, ...structuredClone(settings) };
    this.buckets.clear();
    return this.current();
  }

  current(): ThrottlingSettings {
    return structuredClone(this.settings);
  }

  /** Takes one token for the request, or says how long until one is there. */
  take(subscriptionId: string, principal: string, requestClass: RequestClass): ThrottleDecision {
    const limits = this.settings[requestClass];
    const id = `${subscriptionId.toLowerCase()}|${principal}|${requestClass}`;
    const now = this.now();
    const bucket = this.buckets.get(id) ?? { tokens: limits.capacity, updatedAt: now };
    bucket.tokens = Math.min(limits.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limits.refillPerSecond);
    bucket.updatedAt = now;
    this.buckets.set(id, bucket);
    // Switched off, the buckets still drain so the remaining-requests headers stay truthful; nothing is refused.
    if (!this.settings.enabled) {
      bucket.tokens = Math.max(0, bucket.tokens - 1);
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    const wait = limits.refillPerSecond > 0 ? (1 - bucket.tokens) / limits.refillPerSecond : 60;
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }
}
