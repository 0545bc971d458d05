import { afterEach, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import type { DnsRecord } from "../../../shared/domain";
import { approveConnection, listConnections } from "../../../shared/azure/connections";
import { deleteRecordSet, listRecordSets, upsertARecord } from "../../../shared/azure/privateDns";
import { ARM_WRITE_LIMITS, pacedClassOf, pacedOutcomeOf, retryAfterInMs, subscriptionOfUrl, TokenBucket, WritePacer } from "../../../shared/azure/writePacer";
import type { WritePermit } from "../../../shared/azure/writePacer";
import { BLOB_ZONE, STORAGE, SUB, useEmulator, zoneId } from "./fixture";

const ORIGIN = "https://management.azure.com";
const RECORD_URL = `${ORIGIN}/subscriptions/${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/z/A/a?api-version=2024-06-01`;

function response(status: number, headers: Record<string, string> = {}): PipelineResponse {
  return { status, headers: createHttpHeaders(headers), request: createPipelineRequest({ url: RECORD_URL }) };
}

/** Takes once; the result's ticket, or fails the test with what the bucket said. */
function take(bucket: TokenBucket, now: number): number {
  const result = bucket.tryTake(now);
  if (!result.taken) throw new Error(`expected a token at ${now} ms, the bucket says wait ${String(result.waitInMs)} ms`);
  return result.ticket;
}

/** A bucket whose first answer has arrived (no header), so it may spend its burst. */
function syncedBucket(capacity: number, refillPerSecond: number, now = 0): TokenBucket {
  const bucket = new TokenBucket({ capacity, refillPerSecond }, now);
  bucket.settle(take(bucket, now), {}, now);
  return bucket;
}

describe("TokenBucket (fake clock)", () => {
  it("starts full, allows a burst of its capacity and then one token per refill interval", () => {
    const bucket = syncedBucket(5, 10);
    for (let i = 0; i < 4; i++) take(bucket, 0);
    expect(bucket.tryTake(0)).toEqual({ taken: false, waitInMs: 100 });
    expect(bucket.tryTake(99).taken).toBe(false);
    take(bucket, 100);
    expect(bucket.tryTake(150)).toEqual({ taken: false, waitInMs: 50 });
    take(bucket, 200);
  });

  it("never holds more than its capacity, however long it rests", () => {
    const bucket = syncedBucket(3, 10);
    expect(bucket.available(3_600_000)).toBe(3);
  });

  it("lets only one request out until the first answer arrives, then the rest of the burst", () => {
    const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 10 }, 0);
    const probe = take(bucket, 0);
    expect(bucket.tryTake(0)).toEqual({ taken: false, waitInMs: undefined });
    bucket.settle(probe, { remaining: 4 }, 5);
    for (let i = 0; i < 4; i++) take(bucket, 5);
    expect(bucket.tryTake(5).taken).toBe(false);
  });

  it("probes again after resting a full refill time without answers", () => {
    const bucket = syncedBucket(2, 10);
    const first = take(bucket, 1_000);
    bucket.settle(first, {}, 1_000);
    // 2 / 10 per s = 200 ms to refill fully; silent for longer, the next request goes alone.
    const probe = take(bucket, 1_500);
    expect(bucket.tryTake(1_500)).toEqual({ taken: false, waitInMs: undefined });
    bucket.settle(probe, {}, 1_510);
    take(bucket, 1_510);
  });

  it("syncs down to the server's remaining count and never up", () => {
    const bucket = syncedBucket(10, 10);
    const ticket = take(bucket, 0);
    bucket.settle(ticket, { remaining: 2 }, 0);
    expect(bucket.available(0)).toBe(2);
    const next = take(bucket, 0);
    bucket.settle(next, { remaining: 150 }, 0);
    expect(bucket.available(0)).toBe(1);
  });

  it("counts requests sent after the answered one and still in flight against the server's count", () => {
    const bucket = syncedBucket(10, 10);
    const answered = take(bucket, 0);
    take(bucket, 0);
    take(bucket, 0);
    // The server saw `answered` and then had 5; the two sent later may not have reached it yet.
    bucket.settle(answered, { remaining: 5 }, 0);
    expect(bucket.available(0)).toBe(3);
    expect(bucket.inFlightCount()).toBe(2);
  });

  it("empties on a 429 and sends nothing before its Retry-After has passed", () => {
    const bucket = syncedBucket(10, 10);
    const ticket = take(bucket, 0);
    bucket.settle(ticket, { throttled: true, retryAfterInMs: 2_000 }, 0);
    expect(bucket.tryTake(0)).toEqual({ taken: false, waitInMs: 2_000 });
    expect(bucket.tryTake(1_999).taken).toBe(false);
    take(bucket, 2_000);
  });

  it("empties on a 429 without Retry-After and waits one refill interval", () => {
    const bucket = syncedBucket(10, 4);
    bucket.settle(take(bucket, 0), { throttled: true }, 0);
    expect(bucket.tryTake(0)).toEqual({ taken: false, waitInMs: 250 });
  });

  it("ignores a second settle of the same ticket", () => {
    const bucket = syncedBucket(10, 10);
    const ticket = take(bucket, 0);
    bucket.settle(ticket, { remaining: 8 }, 0);
    bucket.settle(ticket, { throttled: true, retryAfterInMs: 60_000 }, 0);
    expect(bucket.tryTake(0).taken).toBe(true);
  });

  it("refuses limits that cannot pace anything", () => {
    expect(() => new TokenBucket({ capacity: 0, refillPerSecond: 10 }, 0)).toThrow(RangeError);
    expect(() => new TokenBucket({ capacity: 1.5, refillPerSecond: 10 }, 0)).toThrow(/capacity/);
    expect(() => new TokenBucket({ capacity: 5, refillPerSecond: 0 }, 0)).toThrow(/refillPerSecond/);
    expect(() => new TokenBucket({ capacity: 5, refillPerSecond: Number.NaN }, 0)).toThrow(RangeError);
  });

  it("never lets more out in any time span than the burst plus the refill of that span (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 200 }),
        (capacity, refillPerSecond, gaps) => {
          const bucket = syncedBucket(capacity, refillPerSecond);
          const taken: number[] = [0];
          let now = 0;
          for (const gap of gaps) {
            now += gap;
            const result = bucket.tryTake(now);
            if (result.taken) {
              taken.push(now);
              bucket.settle(result.ticket, {}, now);
            }
          }
          for (let i = 0; i < taken.length; i++) {
            for (let j = i; j < taken.length; j++) {
              const span = (taken[j] as number) - (taken[i] as number);
              expect(j - i + 1).toBeLessThanOrEqual(capacity + Math.floor((span / 1000) * refillPerSecond + 1e-9));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("what a request spends and what an answer says", () => {
  it("paces PUT, PATCH and POST as writes, DELETE as deletes, and not reads", () => {
    expect(["PUT", "patch", "POST", "DELETE", "GET", "HEAD"].map(pacedClassOf)).toEqual(["writes", "writes", "writes", "deletes", undefined, undefined]);
  });

  it("finds the subscription in the URL path, whatever its case, and nothing in tenant-level URLs", () => {
    expect(subscriptionOfUrl(RECORD_URL.replace(SUB, SUB.toUpperCase()).replace("/subscriptions/", "/Subscriptions/"))).toBe(SUB);
    expect(subscriptionOfUrl(`${ORIGIN}/providers/Microsoft.Management/managementGroups/mg?api-version=2023-04-01`)).toBeUndefined();
    expect(subscriptionOfUrl("not a url")).toBeUndefined();
  });

  it("reads the remaining count of the request's own class and the Retry-After of a 429", () => {
    const ok = response(201, { "x-ms-ratelimit-remaining-subscription-writes": "17", "x-ms-ratelimit-remaining-subscription-deletes": "3" });
    expect(pacedOutcomeOf(ok, "writes")).toEqual({ remaining: 17 });
    expect(pacedOutcomeOf(ok, "deletes")).toEqual({ remaining: 3 });
    expect(pacedOutcomeOf(response(429, { "Retry-After": "2", "x-ms-ratelimit-remaining-subscription-writes": "0" }), "writes")).toEqual({ remaining: 0, throttled: true, retryAfterInMs: 2_000 });
    expect(pacedOutcomeOf(response(200, { "x-ms-ratelimit-remaining-subscription-writes": "lots" }), "writes")).toEqual({});
    expect(retryAfterInMs(response(429, { "retry-after-ms": "250" }))).toBe(250);
    expect(retryAfterInMs(response(429, { "Retry-After": new Date(61_000).toUTCString() }), 1_000)).toBe(60_000);
    expect(retryAfterInMs(response(200, { "Retry-After": "5" }))).toBeUndefined();
  });
});

describe("WritePacer (fake timers)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("hands out tokens in the order requests asked for them, as they refill", async () => {
    vi.useFakeTimers();
    const pacer = new WritePacer({ capacity: 2, refillPerSecond: 10, now: () => Date.now() });
    const probe = (await pacer.acquire("PUT", RECORD_URL)) as WritePermit;
    probe.settle(response(200));
    await pacer.acquire("PUT", RECORD_URL);
    const order: string[] = [];
    const waiting = ["a", "b", "c"].map((name) => pacer.acquire("PATCH", RECORD_URL).then(() => void order.push(name)));
    await vi.advanceTimersByTimeAsync(99);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(["a"]);
    await vi.advanceTimersByTimeAsync(200);
    expect(order).toEqual(["a", "b", "c"]);
    await Promise.all(waiting);
  });

  it("keeps a bucket per subscription and class, and lets reads and tenant-level requests through", async () => {
    vi.useFakeTimers();
    const pacer = new WritePacer({ capacity: 1, refillPerSecond: 1, now: () => Date.now() });
    const other = RECORD_URL.replace(SUB, "22222222-2222-4222-8222-222222222222");
    const permits = await Promise.all([pacer.acquire("PUT", RECORD_URL), pacer.acquire("DELETE", RECORD_URL), pacer.acquire("PUT", other)]);
    expect(permits.every((p) => p !== undefined)).toBe(true);
    expect(await pacer.acquire("GET", RECORD_URL)).toBeUndefined();
    expect(await pacer.acquire("PUT", `${ORIGIN}/providers/Microsoft.Resources/deployments/d?api-version=2024-03-01`)).toBeUndefined();
    expect(pacer.bucketFor(ORIGIN, SUB.toUpperCase(), "writes").inFlightCount()).toBe(1);
  });

  it("drains on a 429 answer and releases the next writer only after Retry-After", async () => {
    vi.useFakeTimers();
    const pacer = new WritePacer({ capacity: 50, refillPerSecond: 50, now: () => Date.now() });
    const first = (await pacer.acquire("PUT", RECORD_URL)) as WritePermit;
    first.settle(response(429, { "Retry-After": "1" }));
    let released = false;
    const next = pacer.acquire("PUT", RECORD_URL).then(() => (released = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(released).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(released).toBe(true);
    await next;
  });

  it("gives up waiting when the caller aborts, and the next waiter moves up", async () => {
    vi.useFakeTimers();
    const pacer = new WritePacer({ capacity: 1, refillPerSecond: 10, now: () => Date.now() });
    ((await pacer.acquire("PUT", RECORD_URL)) as WritePermit).settle(response(200));
    const controller = new AbortController();
    const aborted = pacer.acquire("PUT", RECORD_URL, controller.signal);
    const next = pacer.acquire("PUT", RECORD_URL);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    await vi.advanceTimersByTimeAsync(100);
    await expect(next).resolves.toBeDefined();
    await expect(pacer.acquire("PUT", RECORD_URL, controller.signal)).rejects.toMatchObject({ name: "AbortError" });
  });

  it("defaults to ARM's per-principal write limits and refuses bad ones", () => {
    expect(new WritePacer().limits).toEqual(ARM_WRITE_LIMITS);
    expect(ARM_WRITE_LIMITS).toEqual({ capacity: 200, refillPerSecond: 10 });
    expect(() => new WritePacer({ capacity: -1 })).toThrow(RangeError);
  });
});

describe("write pacing over HTTPS against the emulator's ARM buckets", () => {
  const fx = useEmulator(100);
  const blob = { id: zoneId(BLOB_ZONE), name: BLOB_ZONE };
  const LIMITS = { capacity: 5, refillPerSecond: 50 };
  const record = (i: number): DnsRecord => ({
    zoneId: blob.id,
    zone: BLOB_ZONE,
    name: `paced-${i}`,
    type: "A",
    ttl: 10,
    ipv4Addresses: [`10.40.${Math.floor(i / 200)}.${(i % 200) + 1}`],
    metadata: { managedBy: "privatelink-autopilot", owner: "test" },
  });
  const throttle = () => fx.emulator.control.setThrottling({ enabled: true, writes: LIMITS, deletes: LIMITS });

  it("writes and then deletes 60 record sets at once without a single 429", async () => {
    throttle();
    const clients = fx.clientsWith({ writePacing: LIMITS });
    const records = Array.from({ length: 60 }, (_, i) => record(i));
    await Promise.all(records.map((r) => upsertARecord(clients, r, { ifNoneMatch: "*" })));
    expect(fx.emulator.control.counters().throttled).toBe(0);
    const written = (await listRecordSets(clients, blob)).filter((r) => r.name.startsWith("paced-"));
    expect(written).toHaveLength(60);

    await Promise.all(written.map((r) => deleteRecordSet(clients, r)));
    expect(fx.emulator.control.counters().throttled).toBe(0);
    expect((await listRecordSets(clients, blob)).filter((r) => r.name.startsWith("paced-"))).toHaveLength(0);
  });

  it("paces the generic pipeline too: concurrent approvals draw no 429", async () => {
    fx.emulator.control.setThrottling({ enabled: true, writes: { capacity: 1, refillPerSecond: 20 } });
    const clients = fx.clientsWith({ writePacing: { capacity: 1, refillPerSecond: 20 } });
    const pending = (await listConnections(clients, STORAGE)).filter((c) => c.status === "Pending");
    expect(pending.length).toBeGreaterThanOrEqual(1);
    const approved = await Promise.all(pending.map((c) => approveConnection(clients, c.id, "rule platform: test", { updateIntervalInMs: 5 })));
    expect(approved.map((c) => c?.status)).toEqual(pending.map(() => "Approved"));
    expect(fx.emulator.control.counters().throttled).toBe(0);
  });

  it("without pacing the same burst bounces off the bucket (and the retries still land it)", async () => {
    throttle();
    const clients = fx.clientsWith({ writePacing: false });
    await Promise.all(Array.from({ length: 20 }, (_, i) => upsertARecord(clients, record(i), { ifNoneMatch: "*" })));
    expect(fx.emulator.control.counters().throttled).toBeGreaterThan(0);
  });

  it("shares one writes bucket between the DNS and resources clients of a subscription", async () => {
    throttle();
    const clients = fx.clientsWith({ writePacing: LIMITS });
    // Both adapters go through privateDns(SUB) and resources(SUB): one writes bucket between them.
    const pending = (await listConnections(clients, STORAGE)).filter((c) => c.status === "Pending");
    await Promise.all([
      ...Array.from({ length: 15 }, (_, i) => upsertARecord(clients, record(i), { ifNoneMatch: "*" })),
      ...pending.map((c) => approveConnection(clients, c.id, "rule platform: test", { updateIntervalInMs: 5 })),
    ]);
    expect(fx.emulator.control.counters().throttled).toBe(0);
  });
});
