/**
 * @module Client-side pacing of ARM writes and deletes: a token bucket per (ARM origin, subscription,
 * class) that mirrors ARM's own per-principal buckets, so a bulk apply waits for tokens on our side
 * instead of bouncing off 429s. Each bucket follows the server's truth: it syncs down to the
 * `x-ms-ratelimit-remaining-subscription-writes|deletes` header of every answer and empties on a 429,
 * because other Functions instances spend the same principal's bucket. Reads are not paced.
 */

import type { PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { isRestError } from "@azure/core-rest-pipeline";

/** The two ARM buckets we pace: PUT/PATCH/POST spend `writes`, DELETE spends `deletes`. */
export type PacedClass = "writes" | "deletes";

export interface WritePacingLimits {
  /** Bucket size: the burst allowed from full. */
  capacity: number;
  /** Tokens added per second, continuously. */
  refillPerSecond: number;
}

/** ARM's published per-principal buckets for writes and deletes (see packages/arm-emulator/src/throttling.ts). */
export const ARM_WRITE_LIMITS: Readonly<WritePacingLimits> = Object.freeze({ capacity: 200, refillPerSecond: 10 });

/** What a paced request learned from its answer. */
export interface PacedOutcome {
  /** ARM's `x-ms-ratelimit-remaining-subscription-*` for this class, when it sent one. */
  remaining?: number;
  /** The answer was a 429. */
  throttled?: boolean;
  /** The 429's `Retry-After`, in ms. */
  retryAfterInMs?: number;
}

/** `taken` with a ticket to settle later, or how long to wait (`undefined`: until an answer arrives). */
export type TakeResult = { taken: true; ticket: number } | { taken: false; waitInMs: number | undefined };

export function checkWritePacingLimits(limits: WritePacingLimits, name = "writePacing"): WritePacingLimits {
  if (limits === null || typeof limits !== "object") {
    throw new TypeError(`${name} must be { capacity, refillPerSecond } or false, got ${JSON.stringify(limits)}`);
  }
  const { capacity, refillPerSecond } = limits;
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1_000_000) {
    throw new RangeError(`${name}.capacity must be an integer from 1 to 1000000, got ${capacity}`);
  }
  if (typeof refillPerSecond !== "number" || !Number.isFinite(refillPerSecond) || refillPerSecond <= 0 || refillPerSecond > 1_000_000) {
    throw new RangeError(`${name}.refillPerSecond must be a number above 0 and at most 1000000, got ${refillPerSecond}`);
  }
  return { capacity, refillPerSecond };
}

/**
 * One bucket, pure: every method takes the time (ms, any monotonic origin), so tests drive it with a
 * fake clock. Starts full, like the server's, but "unsynced": until the first answer arrives only one
 * request is in flight, so the rest of the burst is spent against the server's count, not our guess.
 * A bucket that heard nothing for a full refill time goes back to unsynced for the same reason.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly refillPerSecond: number;
  private tokens: number;
  private updatedAt: number;
  private blockedUntil = -Infinity;
  private synced = false;
  private lastAnswerAt = -Infinity;
  private nextTicket = 1;
  private readonly inFlight = new Set<number>();

  constructor(limits: WritePacingLimits, now: number) {
    const checked = checkWritePacingLimits(limits);
    this.capacity = checked.capacity;
    this.refillPerSecond = checked.refillPerSecond;
    this.tokens = checked.capacity;
    this.updatedAt = now;
  }

  /** Tokens at `now` (fractional), before any take. */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Requests taken and not yet settled. */
  inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Takes a token for one request if there is one and the bucket may send. */
  tryTake(now: number): TakeResult {
    this.refill(now);
    if (this.synced && this.inFlight.size === 0 && now - this.lastAnswerAt > this.fullRefillInMs()) this.synced = false;
    if (!this.synced && this.inFlight.size > 0) return { taken: false, waitInMs: undefined };
    if (now < this.blockedUntil) return { taken: false, waitInMs: this.blockedUntil - now };
    if (this.tokens >= 1) {
      this.tokens -= 1;
      const ticket = this.nextTicket++;
      this.inFlight.add(ticket);
      return { taken: true, ticket };
    }
    return { taken: false, waitInMs: Math.max(1, Math.ceil(((1 - this.tokens) / this.refillPerSecond) * 1000)) };
  }

  /**
   * Records a request's answer (or its failure, with an empty outcome). `remaining` is the server's count
   * after this request; requests we sent after it and that are still in flight may not be in it yet, so
   * they are subtracted. Syncing only ever lowers our count: never above what the server said.
   */
  settle(ticket: number, outcome: PacedOutcome | undefined, now: number): void {
    if (!this.inFlight.delete(ticket)) return;
    this.refill(now);
    if (outcome === undefined) return;
    this.synced = true;
    this.lastAnswerAt = now;
    if (outcome.remaining !== undefined && Number.isFinite(outcome.remaining)) {
      let later = 0;
      for (const t of this.inFlight) if (t > ticket) later++;
      this.tokens = Math.min(this.tokens, Math.max(0, Math.floor(outcome.remaining) - later));
    }
    if (outcome.throttled === true) {
      this.tokens = 0;
      if (outcome.retryAfterInMs !== undefined && outcome.retryAfterInMs > 0) this.blockedUntil = Math.max(this.blockedUntil, now + outcome.retryAfterInMs);
    }
  }

  private fullRefillInMs(): number {
    return (this.capacity / this.refillPerSecond) * 1000;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.refillPerSecond);
      this.updatedAt = now;
    }
  }
}

/** The class a request spends, or `undefined` for reads (not paced). */
export function pacedClassOf(method: string): PacedClass | undefined {
  const m = method.toUpperCase();
  if (m === "PUT" || m === "PATCH" || m === "POST") return "writes";
  if (m === "DELETE") return "deletes";
  return undefined;
}

/** The subscription a request URL is in (`/subscriptions/{id}/...`), lower-cased, or `undefined`. */
export function subscriptionOfUrl(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const match = /^\/subscriptions\/([^/?#]+)/i.exec(path);
  if (match?.[1] === undefined) return undefined;
  try {
    return decodeURIComponent(match[1]).toLowerCase();
  } catch {
    return undefined;
  }
}

const RETRY_AFTER_HEADERS = ["retry-after-ms", "x-ms-retry-after-ms", "retry-after"] as const;

/** The server's requested wait on a 429/503, in ms, or `undefined` when it gave none. */
export function retryAfterInMs(response: PipelineResponse | undefined, now: number = Date.now()): number | undefined {
  if (response === undefined || (response.status !== 429 && response.status !== 503)) return undefined;
  for (const header of RETRY_AFTER_HEADERS) {
    const raw = response.headers.get(header);
    if (raw === undefined || raw.trim() === "") continue;
    const n = Number(raw);
    if (Number.isFinite(n) && n >= 0) return header === "retry-after" ? n * 1000 : n;
    const date = Date.parse(raw);
    if (header === "retry-after" && Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/** What a response says about its class's bucket. */
export function pacedOutcomeOf(response: PipelineResponse, pacedClass: PacedClass): PacedOutcome {
  const raw = response.headers.get(`x-ms-ratelimit-remaining-subscription-${pacedClass}`);
  const remaining = raw !== undefined && raw.trim() !== "" ? Number(raw) : NaN;
  const throttled = response.status === 429;
  const retryAfter = throttled ? retryAfterInMs(response) : undefined;
  return {
    ...(Number.isFinite(remaining) && remaining >= 0 ? { remaining } : {}),
    ...(throttled ? { throttled } : {}),
    ...(retryAfter !== undefined ? { retryAfterInMs: retryAfter } : {}),
  };
}

/** A taken token; settle it once with the answer (or with nothing when the request failed). */
export interface WritePermit {
  settle(response: PipelineResponse | undefined): void;
}

export interface WritePacerOptions extends Partial<WritePacingLimits> {
  /** Monotonic ms clock; default `performance.now()`. */
  now?: () => number;
}

type AbortSignal = NonNullable<PipelineRequest["abortSignal"]>;

interface Waiter {
  resolve(ticket: number): void;
  reject(error: Error): void;
  detach(): void;
}

interface Lane {
  bucket: TokenBucket;
  waiters: Waiter[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

function abortError(): Error {
  const error = new Error("The operation was aborted while it waited for an ARM write token.");
  error.name = "AbortError";
  return error;
}

/**
 * Buckets per (ARM origin, subscription, class), each with a FIFO queue of waiting requests. Waiting
 * is a promise woken by one unref'd timer per bucket (or by an answer), never a poll.
 */
export class WritePacer {
  readonly limits: WritePacingLimits;
  private readonly now: () => number;
  private readonly lanes = new Map<string, Lane>();

  constructor(options: WritePacerOptions = {}) {
    this.limits = checkWritePacingLimits({ capacity: options.capacity ?? ARM_WRITE_LIMITS.capacity, refillPerSecond: options.refillPerSecond ?? ARM_WRITE_LIMITS.refillPerSecond });
    this.now = options.now ?? (() => performance.now());
  }

  /** Waits for a token for this request; `undefined` (at once) for requests that are not paced. */
  async acquire(method: string, url: string, abortSignal?: AbortSignal): Promise<WritePermit | undefined> {
    const pacedClass = pacedClassOf(method);
    if (pacedClass === undefined) return undefined;
    const subscriptionId = subscriptionOfUrl(url);
    if (subscriptionId === undefined) return undefined;
    const lane = this.laneFor(`${new URL(url).origin}|${subscriptionId}|${pacedClass}`);
    const ticket = await this.take(lane, abortSignal);
    let settled = false;
    return {
      settle: (response) => {
        if (settled) return;
        settled = true;
        lane.bucket.settle(ticket, response === undefined ? undefined : pacedOutcomeOf(response, pacedClass), this.now());
        this.pump(lane);
      },
    };
  }

  /** The bucket for a subscription and class at one ARM origin (created on first use), for inspection. */
  bucketFor(origin: string, subscriptionId: string, pacedClass: PacedClass): TokenBucket {
    return this.laneFor(`${origin}|${subscriptionId.toLowerCase()}|${pacedClass}`).bucket;
  }

  private laneFor(key: string): Lane {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { bucket: new TokenBucket(this.limits, this.now()), waiters: [], timer: undefined };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private take(lane: Lane, abortSignal: AbortSignal | undefined): Promise<number> {
    if (abortSignal?.aborted === true) return Promise.reject(abortError());
    if (lane.waiters.length === 0) {
      const result = lane.bucket.tryTake(this.now());
      if (result.taken) return Promise.resolve(result.ticket);
    }
    return new Promise<number>((resolve, reject) => {
      const onAbort = (): void => {
        const index = lane.waiters.indexOf(waiter);
        if (index >= 0) lane.waiters.splice(index, 1);
        reject(abortError());
        // The head may have changed; let the next waiter check.
        this.pump(lane);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        detach: () => abortSignal?.removeEventListener("abort", onAbort),
      };
      abortSignal?.addEventListener("abort", onAbort);
      lane.waiters.push(waiter);
      this.pump(lane);
    });
  }

  /** Hands tokens to waiters in arrival order; sleeps until the head's token is due. */
  private pump(lane: Lane): void {
    if (lane.timer !== undefined) {
      clearTimeout(lane.timer);
      lane.timer = undefined;
    }
    for (;;) {
      const head = lane.waiters[0];
      if (head === undefined) return;
      const result = lane.bucket.tryTake(this.now());
      if (!result.taken) {
        // Undefined: an answer is awaited (settle pumps again).
        if (result.waitInMs !== undefined) {
          lane.timer = setTimeout(() => {
            lane.timer = undefined;
            this.pump(lane);
          }, result.waitInMs);
          lane.timer.unref();
        }
        return;
      }
      lane.waiters.shift();
      head.detach();
      head.resolve(result.ticket);
    }
  }
}

/**
 * Paces each attempt of a write or delete. Install it after the retry policy (`afterPhase: "Retry"`)
 * so every retry waits for a token of its own: each attempt is a new write against ARM's bucket.
 */
export function writePacingPolicy(pacer: WritePacer): PipelinePolicy {
  return {
    name: "armWritePacing",
    async sendRequest(request, next) {
      const permit = await pacer.acquire(request.method, request.url, request.abortSignal);
      if (permit === undefined) return next(request);
      try {
        const response = await next(request);
        permit.settle(response);
        return response;
      } catch (error) {
        permit.settle(isRestError(error) ? error.response : undefined);
        throw error;
      }
    },
  };
}
