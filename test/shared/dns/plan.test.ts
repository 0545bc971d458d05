import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DnsRecord } from "../../../shared/domain";
import { desiredRecords, keepHeldARecords } from "../../../shared/dns/desired";
import { endpointOf, isOwnedBy, isOwnershipKey, ownershipMetadata } from "../../../shared/dns/ownership";
import { firstChanges, isServedByZoneGroup, mergeChanges, planChanges, sameRecord, withoutEndpoints } from "../../../shared/dns/plan";
import type { DnsChanges } from "../../../shared/dns/plan";
import { applyToEstate, dnsRecord, endpointId, OWNER, privateEndpoint, resourceId, zoneRef } from "./helpers";

const BLOB = "privatelink.blob.core.windows.net";
const STORAGE = resourceId("Microsoft.Storage/storageAccounts", "acct");
const ZONE_GROUP = { creator: "created by private endpoint pe-x with resource guid 9c1e" };

function noChanges(changes: DnsChanges): boolean {
  return changes.create.length === 0 && changes.update.length === 0 && changes.delete.length === 0;
}

describe("planChanges", () => {
  it("creates the A record on first approval", () => {
    const endpoint = privateEndpoint({ target: STORAGE, groupIds: ["blob"], dns: { "acct.blob.core.windows.net": ["10.0.0.4"] } });
    const { records } = desiredRecords(endpoint, [zoneRef(BLOB)], { ownerId: OWNER });
    const changes = planChanges({ current: [], desired: records, ownerId: OWNER, endpointIds: [endpoint.id] });
    expect(changes).toEqual({ create: records, update: [], delete: [], conflicts: [], unchanged: [], adopt: [] });
  });

  it("is a no-op when records already match", () => {
    const current = [dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.5", "10.0.0.4"], etag: "e1" })];
    const desired = [dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.4", "10.0.0.5"] })];
    const changes = planChanges({ current, desired, ownerId: OWNER });
    expect(noChanges(changes)).toBe(true);
    expect(changes.unchanged).toEqual(current);
    expect(changes.conflicts).toEqual([]);
  });

  it("compares zone ids and names case-insensitively and CNAME targets without the trailing dot", () => {
    const upper = { ...dnsRecord(BLOB, "acct", { type: "CNAME", cname: "acct.eastus.privatelink.batch.azure.com.", endpoint: "pe-1", etag: "e1" }) };
    upper.zoneId = upper.zoneId.toUpperCase();
    upper.name = "ACCT";
    const desired = [dnsRecord(BLOB, "acct", { type: "CNAME", cname: "acct.eastus.privatelink.batch.azure.com", endpoint: "pe-1" })];
    expect(noChanges(planChanges({ current: [upper], desired, ownerId: OWNER }))).toBe(true);
  });

  it("updates the IP when the NIC changed", () => {
    const before = dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.4"], etag: "e1" });
    const after = dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.9"] });
    const changes = planChanges({ current: [before], desired: [after], ownerId: OWNER, endpointIds: [endpointId("pe-1")] });
    expect(changes.update).toEqual([{ before, after }]);
    expect(changes.update[0]?.before.etag).toBe("e1");
    expect(changes.create).toEqual([]);
    expect(changes.delete).toEqual([]);
  });

  it("updates the TTL and keeps metadata entries others added", () => {
    const before = dnsRecord(BLOB, "acct", { ttl: 3600, etag: "e1", metadata: { ...ownershipMetadata(OWNER, endpointId("pe-1")), costCenter: "42" } });
    const desired = dnsRecord(BLOB, "acct", { endpoint: "pe-1", ttl: 10 });
    const [update] = planChanges({ current: [before], desired: [desired], ownerId: OWNER }).update;
    expect(update?.after.ttl).toBe(10);
    expect(update?.after.metadata).toEqual({ ...desired.metadata, costCenter: "42" });
  });

  it("never deletes a record whose owner is someone else", () => {
    const theirs = dnsRecord(BLOB, "acct", { endpoint: "pe-1", owner: "hub-eus-prod", etag: "e1" });
    const changes = planChanges({ current: [theirs], desired: [], ownerId: OWNER });
    expect(changes).toEqual({ create: [], update: [], delete: [], conflicts: [], unchanged: [], adopt: [] });
  });

  it("never deletes a record without our marker, nor a zone group's record", () => {
    const current = [dnsRecord(BLOB, "handmade", { etag: "e1" }), dnsRecord(BLOB, "zg", { etag: "e2", metadata: ZONE_GROUP })];
    expect(noChanges(planChanges({ current, desired: [], ownerId: OWNER }))).toBe(true);
  });

  it.each([
    ["a record without our marker", {}, "unmarked"],
    ["another deployment's record", ownershipMetadata("hub-eus-prod", endpointId("pe-1")), "otherOwner"],
    ["a zone group's record", ZONE_GROUP, "zoneGroup"],
  ] as const)("reports a conflict and changes nothing when %s holds the name", (_, metadata, reason) => {
    const holder = dnsRecord(BLOB, "acct", { ips: ["10.9.9.9"], etag: "e1", metadata });
    const desired = dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.4"] });
    const changes = planChanges({ current: [holder], desired: [desired], ownerId: OWNER });
    expect(noChanges(changes)).toBe(true);
    expect(changes.conflicts).toEqual([{ record: desired, reason, detail: expect.stringContaining("left alone"), current: holder }]);
  });

  it("reports a conflict when a foreign record holds the name with identical content", () => {
    const desired = dnsRecord(BLOB, "acct", { endpoint: "pe-1" });
    const holder = { ...desired, metadata: { ...desired.metadata, ...ZONE_GROUP }, etag: "e1" };
    const changes = planChanges({ current: [holder], desired: [desired], ownerId: OWNER });
    expect(changes.unchanged).toEqual([]);
    expect(changes.conflicts).toEqual([expect.objectContaining({ reason: "zoneGroup" })]);
  });

  it("tells a zone group serving the same addresses apart from one holding the name with others", () => {
    const desired = dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.5", "10.0.0.4"] });
    const conflictWith = (holder: DnsRecord) => planChanges({ current: [holder], desired: [desired], ownerId: OWNER }).conflicts[0];
    const served = conflictWith(dnsRecord(BLOB, "acct", { ips: ["10.0.0.4", "10.0.0.5"], etag: "e1", metadata: ZONE_GROUP }));
    const elsewhere = conflictWith(dnsRecord(BLOB, "acct", { ips: ["10.0.0.9"], etag: "e1", metadata: ZONE_GROUP }));
    const handmade = conflictWith(dnsRecord(BLOB, "acct", { ips: ["10.0.0.4", "10.0.0.5"], etag: "e1" }));
    const cname = conflictWith(dnsRecord(BLOB, "acct", { type: "CNAME", cname: "x.example", etag: "e1", metadata: ZONE_GROUP }));
    expect([served, elsewhere, handmade, cname].map((c) => c !== undefined && isServedByZoneGroup(c))).toEqual([true, false, false, false]);
  });

  it("does not create an A record where a foreign CNAME holds the name", () => {
    const cname = dnsRecord(BLOB, "acct", { type: "CNAME", cname: "elsewhere.example", etag: "e1" });
    const changes = planChanges({ current: [cname], desired: [dnsRecord(BLOB, "acct", { endpoint: "pe-1" })], ownerId: OWNER });
    expect(noChanges(changes)).toBe(true);
    expect(changes.conflicts).toEqual([expect.objectContaining({ reason: "unmarked", current: cname })]);
  });

  it("replaces an owned record of another type by delete and create", () => {
    const a = dnsRecord(BLOB, "acct", { endpoint: "pe-1", etag: "e1" });
    const cname = dnsRecord(BLOB, "acct", { type: "CNAME", cname: "acct.eastus.privatelink.batch.azure.com", endpoint: "pe-1" });
    const changes = planChanges({ current: [a], desired: [cname], ownerId: OWNER });
    expect(changes.delete).toEqual([a]);
    expect(changes.create).toEqual([cname]);
    expect(applyToEstate([a], changes)).toEqual([{ ...cname, etag: "c1" }]);
  });

  it("deletes the records of an endpoint that is gone, and only those, in a run for that endpoint", () => {
    const gone = dnsRecord(BLOB, "acct", { endpoint: "pe-gone", etag: "e1" });
    const other = dnsRecord(BLOB, "other", { endpoint: "pe-2", etag: "e2" });
    const handmade = dnsRecord(BLOB, "handmade", { etag: "e3" });
    const changes = planChanges({ current: [gone, other, handmade], desired: [], ownerId: OWNER, endpointIds: [endpointId("pe-gone").toUpperCase()] });
    expect(changes.delete).toEqual([gone]);
    expect(changes.update).toEqual([]);
  });

  it("deletes every owned record that nothing desires in a sweep", () => {
    const stale = [dnsRecord(BLOB, "a", { endpoint: "pe-1", etag: "e1" }), dnsRecord(BLOB, "b", { endpoint: "pe-2", etag: "e2" })];
    const handmade = dnsRecord(BLOB, "c", { etag: "e3" });
    expect(planChanges({ current: [...stale, handmade], desired: [], ownerId: OWNER }).delete).toEqual(stale);
  });

  it("keeps a name with the endpoint that holds it while that endpoint still desires it", () => {
    const held = dnsRecord(BLOB, "acct", { endpoint: "pe-2", ips: ["10.0.0.2"], etag: "e1" });
    const mine = dnsRecord(BLOB, "acct", { endpoint: "pe-2", ips: ["10.0.0.2"] });
    const rival = dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.1"] });
    const changes = planChanges({ current: [held], desired: [rival, mine], ownerId: OWNER });
    expect(noChanges(changes)).toBe(true);
    expect(changes.conflicts).toEqual([expect.objectContaining({ record: rival, reason: "heldByEndpoint" })]);
  });

  it("hands a name over when the endpoint that holds it no longer desires it", () => {
    const held = dnsRecord(BLOB, "acct", { endpoint: "pe-old", ips: ["10.0.0.2"], etag: "e1" });
    const next = dnsRecord(BLOB, "acct", { endpoint: "pe-new", ips: ["10.0.0.3"] });
    const changes = planChanges({ current: [held], desired: [next], ownerId: OWNER, endpointIds: [endpointId("pe-old"), endpointId("pe-new")] });
    expect(changes.update).toEqual([{ before: held, after: next }]);
    expect(changes.conflicts).toEqual([]);
  });

  it("leaves a name held by an endpoint outside the run alone", () => {
    const held = dnsRecord(BLOB, "acct", { endpoint: "pe-other", etag: "e1" });
    const mine = dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.3"] });
    const changes = planChanges({ current: [held], desired: [mine], ownerId: OWNER, endpointIds: [endpointId("pe-1")] });
    expect(noChanges(changes)).toBe(true);
    expect(changes.conflicts).toEqual([expect.objectContaining({ record: mine, reason: "heldOutsideRun", current: held })]);
  });

  it("gives a free name to the lowest endpoint id when two claim it", () => {
    const b = dnsRecord(BLOB, "acct", { endpoint: "pe-b", ips: ["10.0.0.2"] });
    const a = dnsRecord(BLOB, "acct", { endpoint: "pe-a", ips: ["10.0.0.1"] });
    const changes = planChanges({ current: [], desired: [b, a], ownerId: OWNER });
    expect(changes.create).toEqual([a]);
    expect(changes.conflicts).toEqual([expect.objectContaining({ record: b, reason: "claimedByLowerEndpoint" })]);
  });

  it("names endpoints in conflict details by their own name, the full ids staying in the conflict's records", () => {
    const held = dnsRecord(BLOB, "acct", { endpoint: "pe-2", ips: ["10.0.0.2"], etag: "e1" });
    const holderClaim = dnsRecord(BLOB, "acct", { endpoint: "pe-2", ips: ["10.0.0.2"] });
    const rival = dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.1"] });
    const free = [dnsRecord(BLOB, "free", { endpoint: "pe-b" }), dnsRecord(BLOB, "free", { endpoint: "pe-a" })];
    const handmade = dnsRecord(BLOB, "hand", { ips: ["10.9.9.9"], etag: "e2" });
    const blocked = dnsRecord(BLOB, "hand", { endpoint: "pe-a" });
    const sweep = planChanges({ current: [held, handmade], desired: [holderClaim, rival, ...free, blocked], ownerId: OWNER });
    const outside = planChanges({ current: [held], desired: [rival], ownerId: OWNER, endpointIds: [endpointId("pe-1")] });
    const details = [...sweep.conflicts, ...outside.conflicts].map((c) => [c.record.name, c.reason, c.detail]);
    expect(details).toEqual([
      ["acct", "heldByEndpoint", "taken by endpoint pe-2"],
      ["free", "claimedByLowerEndpoint", "taken by endpoint pe-a"],
      ["hand", "unmarked", "held by a record without our marker (A 10.9.9.9); left alone"],
      ["acct", "heldOutsideRun", "held by endpoint pe-2, which this run does not cover"],
    ]);
    expect(sweep.conflicts[0]?.current).toBe(held);
    expect(outside.conflicts[0]?.current).toBe(held);
    for (const c of [...sweep.conflicts, ...outside.conflicts]) expect(endpointOf(c.record)).toMatch(/^\/subscriptions\/.+\/privateendpoints\/pe-/);
  });

  it("moves a Batch account from its legacy zone to both zones without a type swap: our legacy A stays, the current zone gets the A", () => {
    const endpoint = privateEndpoint({ name: "pe-batch", target: resourceId("Microsoft.Batch/batchAccounts", "myacct"), groupIds: ["batchAccount"], dns: { "myacct.eastus.batch.azure.com": ["10.2.0.4"] } });
    const legacy = zoneRef("privatelink.eastus.batch.azure.com", ["hub"]);
    const current = zoneRef("privatelink.batch.azure.com", ["hub"]);
    const before = desiredRecords(endpoint, [legacy], { ownerId: OWNER }).records.map((r, i) => ({ ...r, etag: `e${i}` }));
    const desired = keepHeldARecords(desiredRecords(endpoint, [legacy, current], { ownerId: OWNER }).records, before, OWNER);
    const changes = planChanges({ current: before, desired, ownerId: OWNER, endpointIds: [endpoint.id] });
    expect(changes.delete).toEqual([]);
    expect(changes.create.map((r) => [r.zone, r.name, r.type])).toEqual([["privatelink.batch.azure.com", "myacct.eastus", "A"]]);
    expect(changes.unchanged.map((r) => [r.zone, r.name, r.type])).toEqual([["privatelink.eastus.batch.azure.com", "myacct", "A"]]);
    const after = applyToEstate(before, changes);
    expect(noChanges(planChanges({ current: after, desired: keepHeldARecords(desired, after, OWNER), ownerId: OWNER, endpointIds: [endpoint.id] }))).toBe(true);
  });

  it("writes the documented CNAME at a free legacy name once both zones serve the same VNets", () => {
    const endpoint = privateEndpoint({ name: "pe-batch", target: resourceId("Microsoft.Batch/batchAccounts", "myacct"), groupIds: ["batchAccount"], dns: { "myacct.eastus.batch.azure.com": ["10.2.0.4"] } });
    const desired = keepHeldARecords(desiredRecords(endpoint, [zoneRef("privatelink.eastus.batch.azure.com", ["hub"]), zoneRef("privatelink.batch.azure.com", ["hub"])], { ownerId: OWNER }).records, [], OWNER);
    const changes = planChanges({ current: [], desired, ownerId: OWNER });
    expect(changes.create.map((r) => [r.zone, r.name, r.type, r.cname])).toEqual([
      ["privatelink.batch.azure.com", "myacct.eastus", "A", undefined],
      ["privatelink.eastus.batch.azure.com", "myacct", "CNAME", "myacct.eastus.privatelink.batch.azure.com"],
    ]);
  });

  it("rejects desired records without our ownership metadata", () => {
    expect(() => planChanges({ current: [], desired: [dnsRecord(BLOB, "acct")], ownerId: OWNER })).toThrow(TypeError);
    expect(() => planChanges({ current: [], desired: [dnsRecord(BLOB, "acct", { endpoint: "pe-1", owner: "someone" })], ownerId: OWNER })).toThrow(/lacks ownership metadata/);
  });

  it("rejects desired records for endpoints outside endpointIds", () => {
    const desired = [dnsRecord(BLOB, "acct", { endpoint: "pe-1" })];
    expect(() => planChanges({ current: [], desired, ownerId: OWNER, endpointIds: [endpointId("pe-2")] })).toThrow(RangeError);
  });

  it("rejects two desired records of one endpoint for one name", () => {
    const desired = [dnsRecord(BLOB, "acct", { endpoint: "pe-1" }), dnsRecord(BLOB, "ACCT", { endpoint: "pe-1", type: "CNAME" })];
    expect(() => planChanges({ current: [], desired, ownerId: OWNER })).toThrow(/at most one record per name and endpoint/);
  });
});

describe("planChanges with adoption (adoptUnmarked)", () => {
  const mine = dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.4", "10.0.0.5"] });
  const handmade = (spec: Parameters<typeof dnsRecord>[2] = {}) => dnsRecord(BLOB, "acct", { ips: ["10.0.0.5", "10.0.0.4"], ttl: 3600, etag: "e1", ...spec });

  it("is off by default: an identical hand-made record stays a conflict", () => {
    const changes = planChanges({ current: [handmade()], desired: [mine], ownerId: OWNER });
    expect(changes.adopt).toEqual([]);
    expect(changes.conflicts).toEqual([expect.objectContaining({ record: mine, reason: "unmarked" })]);
  });

  it("adopts an unmarked record set with the same addresses: our marker and TTL added, its ETag kept for If-Match, its other metadata kept", () => {
    const theirs = handmade({ metadata: { team: "net" } });
    const changes = planChanges({ current: [theirs], desired: [mine], ownerId: OWNER, adoptUnmarked: true });
    expect(changes).toEqual({ create: [], update: [], delete: [], conflicts: [], unchanged: [], adopt: [{ before: theirs, after: { ...mine, metadata: { team: "net", ...mine.metadata } } }] });
    expect(changes.adopt?.[0]?.after.ipv4Addresses).toEqual(["10.0.0.4", "10.0.0.5"]);
    expect(changes.adopt?.[0]?.after.ttl).toBe(10);
  });

  it("adopts an unmarked CNAME with the same target (case and trailing dot aside)", () => {
    const cname = dnsRecord(BLOB, "acct", { endpoint: "pe-1", type: "CNAME", cname: "acct.westeurope.privatelink.batch.azure.com" });
    const theirs = dnsRecord(BLOB, "acct", { type: "CNAME", cname: "ACCT.westeurope.privatelink.batch.azure.com.", etag: "e1" });
    expect(planChanges({ current: [theirs], desired: [cname], ownerId: OWNER, adoptUnmarked: true }).adopt).toEqual([{ before: theirs, after: cname }]);
  });

  it("leaves anything else a conflict, untouched: other addresses, another type, another target, a zone group's or another deployment's record", () => {
    const holders = [
      handmade({ ips: ["10.0.0.4"] }),
      handmade({ ips: ["10.0.0.4", "10.0.0.5", "10.0.0.6"] }),
      handmade({ type: "CNAME", cname: "acct.example" }),
      handmade({ metadata: ZONE_GROUP }),
      handmade({ metadata: ownershipMetadata("hub-eus-prod", endpointId("pe-1")) }),
    ];
    const plans = holders.map((holder) => planChanges({ current: [holder], desired: [mine], ownerId: OWNER, adoptUnmarked: true }));
    for (const plan of plans) {
      expect(plan.adopt).toEqual([]);
      expect(noChanges(plan)).toBe(true);
    }
    expect(plans.map((p) => p.conflicts.map((c) => c.reason))).toEqual([["unmarked"], ["unmarked"], ["unmarked"], ["zoneGroup"], ["otherOwner"]]);
    const cname = dnsRecord(BLOB, "acct", { endpoint: "pe-1", type: "CNAME", cname: "a.example" });
    expect(planChanges({ current: [handmade({ type: "CNAME", cname: "b.example" })], desired: [cname], ownerId: OWNER, adoptUnmarked: true }).conflicts).toEqual([expect.objectContaining({ reason: "unmarked" })]);
  });

  it("owns the record from then on: the next plan finds it unchanged", () => {
    const current = [handmade()];
    const first = planChanges({ current, desired: [mine], ownerId: OWNER, adoptUnmarked: true });
    const second = planChanges({ current: applyToEstate(current, first), desired: [mine], ownerId: OWNER, adoptUnmarked: true });
    expect(noChanges(second) && second.adopt?.length === 0 && second.conflicts.length === 0).toBe(true);
    expect(second.unchanged).toEqual([expect.objectContaining({ name: "acct", ttl: 10, metadata: mine.metadata })]);
  });

  it("gives an adoptable name to the lowest endpoint id; the others are told who took it", () => {
    const rival = dnsRecord(BLOB, "acct", { endpoint: "pe-2", ips: ["10.0.0.9"] });
    const changes = planChanges({ current: [handmade()], desired: [rival, mine], ownerId: OWNER, adoptUnmarked: true });
    expect(changes.adopt?.map((u) => endpointOf(u.after))).toEqual([endpointId("pe-1").toLowerCase()]);
    expect(changes.conflicts).toEqual([expect.objectContaining({ record: rival, reason: "claimedByLowerEndpoint", detail: "taken by endpoint pe-1" })]);
  });

  it("counts adoptions as writes in firstChanges (after updates, before creates) and drops them in withoutEndpoints", () => {
    const fresh = dnsRecord(BLOB, "fresh", { endpoint: "pe-1" });
    const changes = planChanges({ current: [handmade()], desired: [mine, fresh], ownerId: OWNER, adoptUnmarked: true });
    expect(firstChanges(changes, 1)).toMatchObject({ changes: { adopt: [expect.anything()], create: [] }, remaining: 1 });
    expect(withoutEndpoints(changes, new Set([endpointId("pe-1").toLowerCase()])).adopt).toEqual([]);
  });

  it("never changes a foreign record other than by adopting an unmarked one with the content we desire", () => {
    fc.assert(
      fc.property(currentArb, desiredArb, scopeArb, (current, allDesired, scope) => {
        const desired = inScopeDesired(allDesired, scope);
        const endpointIds = scope?.map(endpointId);
        const changes = planChanges({ current, desired, ownerId: OWNER, endpointIds, adoptUnmarked: true });
        for (const { before, after } of changes.adopt ?? []) {
          expect(Object.keys(before.metadata).some((k) => isOwnershipKey(k) || k === "creator")).toBe(false);
          expect([before.type, [...before.ipv4Addresses].sort(), before.cname]).toEqual([after.type, [...after.ipv4Addresses].sort(), after.cname]);
          expect(isOwnedBy(after, OWNER)).toBe(true);
        }
        const after = applyToEstate(current, changes);
        const second = planChanges({ current: after, desired, ownerId: OWNER, endpointIds, adoptUnmarked: true });
        expect(noChanges(second) && (second.adopt ?? []).length === 0).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("sameRecord", () => {
  it("tells records apart by type, TTL, addresses, target and endpoint", () => {
    const base = dnsRecord(BLOB, "acct", { endpoint: "pe-1" });
    expect(sameRecord(base, { ...base, etag: "x", metadata: { ...base.metadata, note: "x" } })).toBe(true);
    expect(sameRecord(base, { ...base, ttl: 11 })).toBe(false);
    expect(sameRecord(base, { ...base, ipv4Addresses: ["10.0.0.5"] })).toBe(false);
    expect(sameRecord(base, dnsRecord(BLOB, "acct", { endpoint: "pe-2" }))).toBe(false);
    expect(sameRecord(base, dnsRecord(BLOB, "acct", { endpoint: "pe-1", type: "CNAME" }))).toBe(false);
    const cname = dnsRecord(BLOB, "acct", { endpoint: "pe-1", type: "CNAME", cname: "a.example" });
    expect(sameRecord(cname, { ...cname, cname: "b.example" })).toBe(false);
  });
});

// ---- properties over random estates ----

const ZONES = ["privatelink.a.net", "privatelink.b.net"];
const NAMES = ["n1", "n2", "n3", "*.n4"];
const ENDPOINTS = ["pe-1", "pe-2", "pe-3"];
const IPS = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];

type Marker = { kind: "ours"; endpoint: string } | { kind: "otherOwner"; endpoint: string } | { kind: "unmarked" } | { kind: "zoneGroup" };

const markerArb: fc.Arbitrary<Marker> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ENDPOINTS).map((endpoint) => ({ kind: "ours" as const, endpoint })) },
  { weight: 1, arbitrary: fc.constantFrom(...ENDPOINTS).map((endpoint) => ({ kind: "otherOwner" as const, endpoint })) },
  { weight: 1, arbitrary: fc.constant({ kind: "unmarked" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "zoneGroup" as const }) },
);

const contentArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  name: fc.constantFrom(...NAMES),
  type: fc.constantFrom("A" as const, "CNAME" as const),
  ttl: fc.constantFrom(10, 300),
  ips: fc.subarray(IPS, { minLength: 1 }),
  cname: fc.constantFrom("t1.example", "t2.example"),
});

const currentArb = fc
  .uniqueArray(fc.record({ content: contentArb, marker: markerArb, extra: fc.boolean() }), { selector: (r) => `${r.content.zone}|${r.content.name}`, maxLength: 8 })
  .map((rows) =>
    rows.map(({ content, marker, extra }, i): DnsRecord => {
      const metadata =
        marker.kind === "ours" ? ownershipMetadata(OWNER, endpointId(marker.endpoint))
        : marker.kind === "otherOwner" ? ownershipMetadata("hub-eus-prod", endpointId(marker.endpoint))
        : marker.kind === "zoneGroup" ? { ...ZONE_GROUP }
        : {};
      return dnsRecord(content.zone, content.name, { type: content.type, ttl: content.ttl, ips: content.ips, cname: content.cname, etag: `e${i}`, metadata: extra ? { ...metadata, note: "kept" } : metadata });
    }),
  );

const desiredArb = fc
  .tuple(...ENDPOINTS.map((endpoint) => fc.uniqueArray(contentArb, { selector: (c) => `${c.zone}|${c.name}`, maxLength: 4 }).map((contents) => ({ endpoint, contents }))))
  .map((perEndpoint) =>
    perEndpoint.flatMap(({ endpoint, contents }) =>
      contents.map((c) => dnsRecord(c.zone, c.name, { type: c.type, ttl: c.ttl, ips: c.ips, cname: c.cname, endpoint })),
    ),
  );

const scopeArb = fc.option(fc.subarray(ENDPOINTS, { minLength: 1 }), { nil: undefined });

function nameOf(r: DnsRecord): string {
  return `${r.zoneId.toLowerCase()}|${r.name.toLowerCase()}`;
}

function inScopeDesired(desired: DnsRecord[], scope: string[] | undefined): DnsRecord[] {
  if (scope === undefined) return desired;
  const ids = new Set(scope.map((e) => endpointId(e).toLowerCase()));
  return desired.filter((r) => ids.has(endpointOf(r) as string));
}

const RUNS = { numRuns: 300 };

describe("planChanges properties", () => {
  it("gives every name we own or that is free exactly its desired record after a sweep", () => {
    fc.assert(
      fc.property(currentArb, desiredArb, (current, desired) => {
        const after = applyToEstate(current, planChanges({ current, desired, ownerId: OWNER }));
        const names = new Set([...current, ...desired].map(nameOf));
        for (const name of names) {
          const before = current.filter((r) => nameOf(r) === name);
          const now = after.filter((r) => nameOf(r) === name);
          if (before.some((r) => !isOwnedBy(r, OWNER))) {
            expect(now).toEqual(before);
            continue;
          }
          const claims = desired.filter((r) => nameOf(r) === name);
          if (claims.length === 0) {
            expect(now).toEqual([]);
            continue;
          }
          expect(now).toHaveLength(1);
          const holder = before.map(endpointOf).find((e) => e !== undefined);
          const expected = claims.find((c) => endpointOf(c) === holder) ?? [...claims].sort((a, b) => (endpointOf(a) as string).localeCompare(endpointOf(b) as string))[0];
          expect(sameRecord(now[0] as DnsRecord, expected as DnsRecord)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("plans nothing more once its plan is applied", () => {
    fc.assert(
      fc.property(currentArb, desiredArb, scopeArb, (current, allDesired, scope) => {
        const desired = inScopeDesired(allDesired, scope);
        const endpointIds = scope?.map(endpointId);
        const first = planChanges({ current, desired, ownerId: OWNER, endpointIds });
        const second = planChanges({ current: applyToEstate(current, first), desired, ownerId: OWNER, endpointIds });
        expect(noChanges(second)).toBe(true);
        expect(second.conflicts.map((c) => [nameOf(c.record), endpointOf(c.record)])).toEqual(first.conflicts.map((c) => [nameOf(c.record), endpointOf(c.record)]));
      }),
      RUNS,
    );
  });

  it("never changes a foreign record, and deletes and updates only owned records", () => {
    fc.assert(
      fc.property(currentArb, desiredArb, scopeArb, (current, allDesired, scope) => {
        const desired = inScopeDesired(allDesired, scope);
        const changes = planChanges({ current, desired, ownerId: OWNER, endpointIds: scope?.map(endpointId) });
        for (const r of changes.delete) expect(isOwnedBy(r, OWNER)).toBe(true);
        for (const u of changes.update) expect(isOwnedBy(u.before, OWNER)).toBe(true);
        const foreignNames = new Set(current.filter((r) => !isOwnedBy(r, OWNER)).map(nameOf));
        for (const r of changes.create) expect(foreignNames.has(nameOf(r))).toBe(false);
        for (const r of changes.unchanged) expect(isOwnedBy(r, OWNER)).toBe(true);
        // applyToEstate throws on a create onto a taken name or an update/delete without the read etag.
        const after = applyToEstate(current, changes);
        for (const r of current.filter((c) => !isOwnedBy(c, OWNER))) expect(after).toContainEqual(r);
      }),
      RUNS,
    );
  });

  it("leaves the records of endpoints outside a run untouched", () => {
    fc.assert(
      fc.property(currentArb, desiredArb, fc.subarray(ENDPOINTS, { minLength: 1 }), (current, allDesired, scope) => {
        const ids = new Set(scope.map((e) => endpointId(e).toLowerCase()));
        const changes = planChanges({ current, desired: inScopeDesired(allDesired, scope), ownerId: OWNER, endpointIds: scope.map(endpointId) });
        const touched = [...changes.delete, ...changes.update.map((u) => u.before)];
        for (const r of touched) expect(ids.has(endpointOf(r) as string)).toBe(true);
      }),
      RUNS,
    );
  });

  it("accounts for every desired record exactly once", () => {
    fc.assert(
      fc.property(currentArb, desiredArb, (current, desired) => {
        const changes = planChanges({ current, desired, ownerId: OWNER });
        const key = (r: DnsRecord) => `${nameOf(r)}|${r.type}|${endpointOf(r)}`;
        const outcomes = [
          ...changes.create.map(key),
          ...changes.update.map((u) => key(u.after)),
          ...changes.unchanged.map(key),
          ...changes.conflicts.map((c) => key(c.record)),
        ].sort();
        expect(outcomes).toEqual(desired.map(key).sort());
      }),
      RUNS,
    );
  });

  it("plans zone by zone as it plans the zones together (mergeChanges)", () => {
    fc.assert(
      fc.property(currentArb, desiredArb, scopeArb, (current, allDesired, scope) => {
        const desired = inScopeDesired(allDesired, scope);
        const endpointIds = scope === undefined ? {} : { endpointIds: scope.map(endpointId) };
        const zones = [...new Set([...current, ...desired].map((r) => r.zoneId))];
        const inZone = (zoneId: string) => (r: DnsRecord) => r.zoneId === zoneId;
        const byZone = zones.map((z) => planChanges({ current: current.filter(inZone(z)), desired: desired.filter(inZone(z)), ownerId: OWNER, ...endpointIds }));
        expect(mergeChanges(byZone.reverse())).toEqual(planChanges({ current, desired, ownerId: OWNER, ...endpointIds }));
      }),
      RUNS,
    );
  });
});
