import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DnsRecord } from "../../../shared/domain";
import { ownershipMetadata } from "../../../shared/dns/ownership";
import { applyRecordChanges, ApplyRecordChangesError } from "../../../shared/azure/applyRecordChanges";
import type { RecordChange, RecordOutcome } from "../../../shared/azure/applyRecordChanges";
import { getRecordSet, listRecordSets } from "../../../shared/azure/privateDns";
import { applyPlan } from "../../../orchestrations/applyPlan";
import { BLOB_ZONE, endpointId, testEstate, useEmulator, zoneId } from "./fixture";

const OWNER = "owner-test";
const blob = { id: zoneId(BLOB_ZONE), name: BLOB_ZONE };
const OURS = ownershipMetadata(OWNER, endpointId("pe-blob"));

function desired(name: string, ip: string): DnsRecord {
  return { zoneId: blob.id, zone: BLOB_ZONE, name, type: "A", ttl: 10, ipv4Addresses: [ip], metadata: { ...OURS } };
}

/** What a record set holds now, as `ip (owner)`, or `absent`. */
async function contentOf(fx: ReturnType<typeof useEmulator>, name: string): Promise<string> {
  const record = await getRecordSet(fx.clients, blob, "A", name);
  return record === undefined ? "absent" : `${record.ipv4Addresses.join(",")} (${record.metadata["owner"] ?? "unmarked"})`;
}

describe("applyRecordChanges: the one DNS writer", () => {
  const fx = useEmulator(100);

  /** Writes a record set of ours by hand and returns it as a run would read it (with its ETag). */
  async function ourRecord(name: string, ip: string): Promise<DnsRecord> {
    fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "A", name, ttl: 10, ipv4Addresses: [ip], metadata: OURS });
    return (await getRecordSet(fx.clients, blob, "A", name)) as DnsRecord;
  }

  it("creates, updates and deletes with preconditions, one outcome per change in the order given", async () => {
    const stale = await ourRecord("stale", "10.0.0.1");
    const moved = await ourRecord("moved", "10.0.0.2");
    const changes: RecordChange[] = [
      { kind: "create", after: desired("fresh", "10.0.0.3") },
      { kind: "update", before: moved, after: desired("moved", "10.0.0.4") },
      { kind: "delete", before: stale },
    ];
    const outcomes = await applyRecordChanges(fx.clients, changes, { ownerId: OWNER });

    expect(outcomes.map((o) => o.status)).toEqual(["created", "updated", "deleted"]);
    expect(outcomes.map((o) => o.change)).toEqual(changes);
    expect([await contentOf(fx, "fresh"), await contentOf(fx, "moved"), await contentOf(fx, "stale")]).toEqual([`10.0.0.3 (${OWNER})`, `10.0.0.4 (${OWNER})`, "absent"]);
  });

  it("applies stale records first and a type swap's create right after its delete, before any other change", async () => {
    const stale = await ourRecord("stale", "10.0.0.1");
    const moved = await ourRecord("moved", "10.0.0.2");
    fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "CNAME", name: "swapped", ttl: 10, cname: "elsewhere.example", metadata: OURS });
    const cname = (await getRecordSet(fx.clients, blob, "CNAME", "swapped")) as DnsRecord;
    const changes: RecordChange[] = [
      { kind: "create", after: desired("fresh", "10.0.0.3") },
      { kind: "create", after: desired("swapped", "10.0.0.5") },
      { kind: "update", before: moved, after: desired("moved", "10.0.0.4") },
      { kind: "delete", before: stale },
      { kind: "delete", before: cname },
    ];
    const order: string[] = [];
    const outcomes = await applyRecordChanges(fx.clients, changes, { ownerId: OWNER, concurrency: 1, onOutcome: (o) => order.push(`${o.status} ${o.change.kind === "delete" ? o.change.before.name : o.change.after.name}`) });
    expect(order).toEqual(["deleted stale", "deleted swapped", "created swapped", "updated moved", "created fresh"]);
    expect(outcomes.map((o) => o.status)).toEqual(["created", "created", "updated", "deleted", "deleted"]);
    expect(await contentOf(fx, "swapped")).toBe(`10.0.0.5 (${OWNER})`);
  });

  it("never overwrites a newer record: a second writer between our read and our write wins, and the change is contended", async () => {
    const read = await ourRecord("shared", "10.0.0.1");
    // Someone else writes after our read, keeping our marker: only the ETag tells.
    fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "A", name: "shared", ttl: 10, ipv4Addresses: ["10.0.0.9"], metadata: OURS });
    const [outcome] = await applyRecordChanges(fx.clients, [{ kind: "update", before: read, after: desired("shared", "10.0.0.4") }], { ownerId: OWNER });

    expect(outcome).toMatchObject({ status: "contended", current: { ipv4Addresses: ["10.0.0.9"] } });
    const detail = (outcome as Extract<RecordOutcome, { status: "contended" }>).detail;
    expect(detail).toContain("someone else changed it after our read");
    expect(detail).toContain(`ours as read: A shared.${BLOB_ZONE} -> 10.0.0.1 (etag ${read.etag}`);
    expect(detail).toMatch(/to become 10\.0\.0\.4; theirs: A shared\.\S+ -> 10\.0\.0\.9 \(etag \S+, owner owner-test\)/);
    expect(await contentOf(fx, "shared")).toBe(`10.0.0.9 (${OWNER})`);
  });

  it("ends a 412 (a second writer between our check and our write) as contended in the run's report, never retried with a fresh ETag", async () => {
    const read = await ourRecord("raced", "10.0.0.1");
    // Hold our PUT at the emulator until the second writer is done.
    fx.emulator.control.injectFault({ method: "PUT", path: "/A/raced$", sequence: [{ type: "latency", ms: 300 }] });
    fx.emulator.control.resetCounters();
    const changes = { create: [], update: [{ before: read, after: desired("raced", "10.0.0.4") }], delete: [], conflicts: [], unchanged: [] };
    const lines: string[] = [];
    const applying = applyPlan(fx.clients, changes, { ownerId: OWNER, dryRun: false, log: (m) => lines.push(m) });
    await expect.poll(() => Object.keys(fx.emulator.control.counters().operations).some((op) => op.startsWith("PUT ")), { timeout: 2_000, interval: 5 }).toBe(true);
    fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "A", name: "raced", ttl: 10, ipv4Addresses: ["10.0.0.9"], metadata: OURS });
    const { dns, errors } = await applying;

    expect(await contentOf(fx, "raced")).toBe(`10.0.0.9 (${OWNER})`);
    expect(dns.updated).toEqual([]);
    expect(errors).toEqual([]);
    expect(dns.conflicts).toEqual([
      expect.objectContaining({ name: "raced", reason: "contended", detail: expect.stringMatching(new RegExp(`412 on If-Match: ${read.etag}.*ours as read: .* -> 10\\.0\\.0\\.1 .*to become 10\\.0\\.0\\.4; theirs: .* -> 10\\.0\\.0\\.9 `)) }),
    ]);
    expect(lines).toEqual([expect.stringMatching(/^conflict A raced\.\S+ 10\.0\.0\.4 \(pe-blob\): contended: update of A raced\.\S+ left alone: someone else changed it between our check and our write/)]);
    const writes = Object.entries(fx.emulator.control.counters().operations).filter(([op]) => op.startsWith("PUT "));
    expect(writes.map(([, n]) => n)).toEqual([1]);
  });

  it("does not replace a record set someone created after our read (If-None-Match: *)", async () => {
    fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "A", name: "taken", ttl: 10, ipv4Addresses: ["10.0.0.9"] });
    const [outcome] = await applyRecordChanges(fx.clients, [{ kind: "create", after: desired("taken", "10.0.0.4") }], { ownerId: OWNER });

    expect(outcome).toMatchObject({ status: "contended", detail: expect.stringMatching(/created it after our read .*theirs: A taken\.\S+ -> 10\.0\.0\.9 \(etag \S+, no marker\)/) });
    expect(await contentOf(fx, "taken")).toBe("10.0.0.9 (unmarked)");
  });

  it("says so when the other writer already wrote what we wanted (another run of ours), and still does not write", async () => {
    const want = desired("same", "10.0.0.4");
    fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "A", name: "same", ttl: want.ttl, ipv4Addresses: want.ipv4Addresses, metadata: OURS });
    fx.emulator.control.resetCounters();
    const [outcome] = await applyRecordChanges(fx.clients, [{ kind: "create", after: want }], { ownerId: OWNER });

    expect(outcome).toMatchObject({ status: "contended", detail: expect.stringMatching(/theirs: A same\.\S+ -> 10\.0\.0\.4 \(etag \S+, owner owner-test\), already what we wanted; /) });
    expect(Object.keys(fx.emulator.control.counters().operations).filter((op) => op.startsWith("PUT "))).toHaveLength(1);
  });

  it("re-checks the marker at apply: a record set that lost it is neither updated nor deleted", async () => {
    const a = await ourRecord("lost-a", "10.0.0.1");
    const b = await ourRecord("lost-b", "10.0.0.2");
    for (const [name, ip] of [["lost-a", "10.0.0.1"], ["lost-b", "10.0.0.2"]] as const) {
      fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "A", name, ttl: 10, ipv4Addresses: [ip], metadata: { team: "network" } });
    }
    // As if the plan had been made from a read that still showed the marker, with the ETag of now.
    const now = async (r: DnsRecord) => ({ ...r, etag: (await getRecordSet(fx.clients, blob, "A", r.name))?.etag as string });
    const outcomes = await applyRecordChanges(fx.clients, [{ kind: "update", before: await now(a), after: desired("lost-a", "10.0.0.4") }, { kind: "delete", before: await now(b) }], { ownerId: OWNER });

    expect(outcomes.map((o) => [o.status, o.status === "contended" ? o.detail : ""])).toEqual([
      ["contended", expect.stringContaining("it no longer carries our marker")],
      ["contended", expect.stringContaining("it no longer carries our marker")],
    ]);
    expect([await contentOf(fx, "lost-a"), await contentOf(fx, "lost-b")]).toEqual(["10.0.0.1 (unmarked)", "10.0.0.2 (unmarked)"]);
  });

  /** Writes a record set without any marker (hand-made) and returns it as a run would read it. */
  async function handmade(name: string, ip: string, metadata: Record<string, string> = {}): Promise<DnsRecord> {
    fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "A", name, ttl: 3600, ipv4Addresses: [ip], metadata });
    return (await getRecordSet(fx.clients, blob, "A", name)) as DnsRecord;
  }

  it("adopts an unmarked record set with If-Match on the ETag it read: our marker and TTL added, the addresses as they were", async () => {
    const read = await handmade("adopt-me", "10.0.0.4", { team: "network" });
    fx.emulator.control.resetCounters();
    const after = { ...desired("adopt-me", "10.0.0.4"), metadata: { team: "network", ...OURS } };
    const [outcome] = await applyRecordChanges(fx.clients, [{ kind: "adopt", before: read, after }], { ownerId: OWNER });

    expect(outcome).toMatchObject({ status: "adopted", written: { ipv4Addresses: ["10.0.0.4"], ttl: 10 } });
    const now = await getRecordSet(fx.clients, blob, "A", "adopt-me");
    expect(now).toMatchObject({ ipv4Addresses: ["10.0.0.4"], ttl: 10, metadata: { team: "network", ...OURS } });
    expect(now?.etag).not.toBe(read.etag);
    expect(Object.keys(fx.emulator.control.counters().operations).filter((op) => !op.startsWith("GET "))).toHaveLength(1);
  });

  it("ends an adoption as contended on a 412 (the record set changed between our check and our write), leaving their version", async () => {
    const read = await handmade("adopt-raced", "10.0.0.4");
    fx.emulator.control.injectFault({ method: "PUT", path: "/A/adopt-raced$", sequence: [{ type: "latency", ms: 300 }] });
    fx.emulator.control.resetCounters();
    const adopting = applyRecordChanges(fx.clients, [{ kind: "adopt", before: read, after: desired("adopt-raced", "10.0.0.4") }], { ownerId: OWNER });
    await expect.poll(() => Object.keys(fx.emulator.control.counters().operations).some((op) => op.startsWith("PUT ")), { timeout: 2_000, interval: 5 }).toBe(true);
    fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "A", name: "adopt-raced", ttl: 3600, ipv4Addresses: ["10.0.0.9"] });
    const [outcome] = await adopting;

    expect(outcome).toMatchObject({ status: "contended", detail: expect.stringMatching(new RegExp(`412 on If-Match: ${read.etag}.*to adopt as read: A adopt-raced\\.\\S+ -> 10\\.0\\.0\\.4 .*theirs: .* -> 10\\.0\\.0\\.9 \\(etag \\S+, no marker\\)`)) });
    expect(await contentOf(fx, "adopt-raced")).toBe("10.0.0.9 (unmarked)");
  });

  it("re-checks at apply that the record set to adopt still carries no marker and the ETag it was planned on", async () => {
    const marked = await handmade("adopt-marked", "10.0.0.4");
    fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "A", name: "adopt-marked", ttl: 3600, ipv4Addresses: ["10.0.0.4"], metadata: ownershipMetadata("hub-eus-prod", endpointId("pe-blob")) });
    const changed = await handmade("adopt-changed", "10.0.0.5");
    fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "A", name: "adopt-changed", ttl: 3600, ipv4Addresses: ["10.0.0.6"] });
    const now = async (r: DnsRecord) => ({ ...r, etag: (await getRecordSet(fx.clients, blob, "A", r.name))?.etag as string });
    fx.emulator.control.resetCounters();
    const outcomes = await applyRecordChanges(
      fx.clients,
      [
        { kind: "adopt", before: await now(marked), after: desired("adopt-marked", "10.0.0.4") },
        { kind: "adopt", before: changed, after: desired("adopt-changed", "10.0.0.5") },
      ],
      { ownerId: OWNER },
    );

    expect(outcomes.map((o) => [o.status, o.status === "contended" ? o.detail : ""])).toEqual([
      ["contended", expect.stringContaining("it carries a marker now")],
      ["contended", expect.stringContaining("someone else changed it after our read")],
    ]);
    expect(Object.keys(fx.emulator.control.counters().operations).filter((op) => !op.startsWith("GET "))).toEqual([]);
    expect([await contentOf(fx, "adopt-marked"), await contentOf(fx, "adopt-changed")]).toEqual(["10.0.0.4 (hub-eus-prod)", "10.0.0.6 (unmarked)"]);
  });

  it("attempts every change and throws an AggregateError of the failures, with every outcome", async () => {
    const noEtag = { ...(await ourRecord("no-etag", "10.0.0.1")), etag: undefined };
    delete noEtag.etag;
    fx.emulator.control.injectFault({ method: "PUT", path: "/A/broken$", sequence: [{ type: "error", status: 500 }, { type: "error", status: 500 }, { type: "error", status: 500 }, { type: "error", status: 500 }, { type: "error", status: 500 }] });
    const clients = fx.clientsWith({ maxRetries: 0 });
    const error = await applyRecordChanges(
      clients,
      [
        { kind: "update", before: noEtag, after: desired("no-etag", "10.0.0.4") },
        { kind: "create", after: desired("broken", "10.0.0.5") },
        { kind: "create", after: desired("fine", "10.0.0.6") },
      ],
      { ownerId: OWNER },
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApplyRecordChangesError);
    const failed = error as ApplyRecordChangesError;
    expect(failed.message).toBe("2 of 3 DNS changes failed");
    expect(failed.outcomes.map((o) => o.status)).toEqual(["failed", "failed", "created"]);
    expect(failed.errors.map((e: Error) => e.message)).toEqual([
      expect.stringContaining("was read without an ETag; an update or delete is never sent unconditionally"),
      expect.stringMatching(/^create A broken\.\S+ -> 10\.0\.0\.5 \(owner owner-test\) failed: .*HTTP 500/),
    ]);
    expect([await contentOf(fx, "no-etag"), await contentOf(fx, "fine")]).toEqual([`10.0.0.1 (${OWNER})`, `10.0.0.6 (${OWNER})`]);
  });

  it("across random interleavings of a second writer: no record it changed after our read ends with our content, and no unmarked record is changed", async () => {
    const names = ["n0", "n1", "n2", "n3", "n4", "n5"];
    const theirAction = fc.record({
      name: fc.constantFrom(...names),
      kind: fc.constantFrom("writeMarked", "writeUnmarked", "delete"),
      delayMs: fc.integer({ min: 0, max: 20 }),
      ip: fc.integer({ min: 1, max: 250 }).map((n) => `10.9.0.${n}`),
    });
    const initial = fc.array(fc.constantFrom("ours", "unmarked", "absent"), { minLength: names.length, maxLength: names.length });
    const ourPlan = fc.array(fc.constantFrom("change", "delete", "none"), { minLength: names.length, maxLength: names.length });

    await fc.assert(
      fc.asyncProperty(initial, ourPlan, fc.array(theirAction, { maxLength: 6 }), fc.integer({ min: 0, max: 15 }), async (start, plan, theirs, putLatencyMs) => {
        const control = fx.emulator.control;
        control.reset();
        control.seed({ ...testEstate(), recordSets: [] });
        names.forEach((name, i) => {
          if (start[i] !== "absent") control.putRecordSet({ zoneId: blob.id, type: "A", name, ttl: 10, ipv4Addresses: [`10.0.0.${i + 1}`], metadata: start[i] === "ours" ? OURS : { team: "network" } });
        });
        if (putLatencyMs > 0) control.injectFault({ method: "PUT", probability: 0.5, seed: putLatencyMs, action: { type: "latency", ms: putLatencyMs } });
        const read = new Map((await listRecordSets(fx.clients, blob)).map((r) => [r.name, r]));
        // Our changes, as a plan made from that read would ask (and, on purpose, some a planner must never make:
        // changes of unmarked records, which the writer refuses by re-checking the marker).
        const changes: RecordChange[] = [];
        names.forEach((name, i) => {
          const before = read.get(name);
          const after = desired(name, `10.1.0.${i + 1}`);
          if (plan[i] === "none") return;
          if (before === undefined) changes.push({ kind: "create", after });
          else if (plan[i] === "delete") changes.push({ kind: "delete", before });
          else changes.push({ kind: "update", before, after });
        });
        // What the second writer did last at each name it changed (in the order it happened).
        const last = new Map<string, "wrote" | "deleted">();
        const secondWriter = Promise.all(
          theirs.map(async (action) => {
            await new Promise((resolve) => setTimeout(resolve, action.delayMs));
            // Deleting what is not there changes nothing.
            if (action.kind === "delete") {
              if (control.deleteRecordSet({ zoneId: blob.id, type: "A", name: action.name })) last.set(action.name, "deleted");
              return;
            }
            last.set(action.name, "wrote");
            control.putRecordSet({ zoneId: blob.id, type: "A", name: action.name, ttl: 10, ipv4Addresses: [action.ip], metadata: action.kind === "writeMarked" ? OURS : {} });
          }),
        );
        await Promise.all([applyRecordChanges(fx.clients, changes, { ownerId: OWNER, concurrency: 3 }).catch(() => undefined), secondWriter]);
        control.clearFaults();

        const after = new Map((await listRecordSets(fx.clients, blob)).map((r) => [r.name, r]));
        names.forEach((name, i) => {
          const now = after.get(name);
          const ourContent = now !== undefined && now.ipv4Addresses.join(",") === `10.1.0.${i + 1}`;
          // A name the second writer left empty may be created afresh; what it wrote is never overwritten.
          if (last.get(name) === "wrote") expect(ourContent, `${name}: the second writer's record was overwritten`).toBe(false);
          if (last.get(name) === "deleted" && start[i] !== "absent") expect(ourContent, `${name}: recreated after the second writer deleted it`).toBe(false);
          if (start[i] === "unmarked" && !last.has(name)) {
            expect(now?.ipv4Addresses, `${name}: an unmarked record was changed`).toEqual([`10.0.0.${i + 1}`]);
            expect(now?.metadata).toEqual({ team: "network" });
          }
        });
      }),
      { numRuns: 40 },
    );
  });
});
