import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assumeDecisions, decidedLinkIndex } from "../../../shared/dns/assumeDecisions";
import { desiredRecords } from "../../../shared/dns/desired";
import { firstChanges, planChanges, withoutEndpoints } from "../../../shared/dns/plan";
import type { DnsChanges } from "../../../shared/dns/plan";
import type { DnsRecord } from "../../../shared/domain";
import { dnsRecord, endpointId, OWNER, privateEndpoint, resourceId, zoneRef } from "./helpers";

const STORAGE = resourceId("Microsoft.Storage/storageAccounts", "stdata");
const OTHER = resourceId("Microsoft.Storage/storageAccounts", "stother");
const ZONE = "privatelink.blob.core.windows.net";
const zones = [zoneRef(ZONE)];
const pending = (name: string, ip: string) => privateEndpoint({ name, target: STORAGE, groupIds: ["blob"], status: "Pending", dns: { "stdata.blob.core.windows.net": [ip] } });

describe("assumeDecisions", () => {
  it("counts an approval made in the run as Approved, so the endpoint's records are planned now", () => {
    const endpoint = pending("pe-a", "10.0.0.4");
    expect(desiredRecords(endpoint, zones, { ownerId: OWNER }).records).toEqual([]);
    const decided = decidedLinkIndex([{ endpointId: endpoint.id.toUpperCase(), targetResourceId: STORAGE, status: "Approved" }]);
    const after = assumeDecisions(endpoint, decided);
    expect(after.links[0]?.status).toBe("Approved");
    expect(desiredRecords(after, zones, { ownerId: OWNER }).records.map((r) => `${r.name} ${r.ipv4Addresses.join()}`)).toEqual(["stdata 10.0.0.4"]);
    // The endpoint as read is left as it was.
    expect(endpoint.links[0]?.status).toBe("Pending");
  });

  it("counts a rejection as Rejected and leaves links to other resources, and endpoints without a decision, as they are", () => {
    const endpoint = pending("pe-a", "10.0.0.4");
    expect(assumeDecisions(endpoint, decidedLinkIndex([{ endpointId: endpoint.id, targetResourceId: STORAGE, status: "Rejected" }])).links[0]?.status).toBe("Rejected");
    expect(assumeDecisions(endpoint, decidedLinkIndex([{ endpointId: endpoint.id, targetResourceId: OTHER, status: "Approved" }]))).toBe(endpoint);
    expect(assumeDecisions(endpoint, decidedLinkIndex([{ endpointId: endpointId("pe-b"), targetResourceId: STORAGE, status: "Approved" }]))).toBe(endpoint);
    const approved = privateEndpoint({ name: "pe-c", target: STORAGE, groupIds: ["blob"], dns: {} });
    expect(assumeDecisions(approved, decidedLinkIndex([{ endpointId: approved.id, targetResourceId: STORAGE, status: "Rejected" }]))).toBe(approved);
  });

  it("plans two endpoints approved in the same run for one name in one plan: one record, one conflict, never heldOutsideRun", () => {
    const a = pending("pe-a", "10.0.0.4");
    const b = pending("pe-b", "10.0.0.5");
    const decided = decidedLinkIndex([a, b].map((e) => ({ endpointId: e.id, targetResourceId: STORAGE, status: "Approved" as const })));
    const desired = [a, b].flatMap((e) => desiredRecords(assumeDecisions(e, decided), zones, { ownerId: OWNER }).records);
    const changes = planChanges({ current: [], desired, ownerId: OWNER, endpointIds: [a.id, b.id] });
    expect(changes.create.map((r) => `${r.name} ${r.ipv4Addresses.join()}`)).toEqual(["stdata 10.0.0.4"]);
    expect(changes.conflicts.map((c) => c.reason)).toEqual(["claimedByLowerEndpoint"]);
  });
});

/** Creates a (pe-a) and b (pe-b), an update of c (pe-a), a delete of d (pe-b). */
function sampleChanges(): DnsChanges {
  const create = [dnsRecord(ZONE, "a", { endpoint: "pe-a" }), dnsRecord(ZONE, "b", { endpoint: "pe-b" })];
  const update = [{ before: dnsRecord(ZONE, "c", { endpoint: "pe-a", ips: ["10.0.0.9"] }), after: dnsRecord(ZONE, "c", { endpoint: "pe-a" }) }];
  return { create, update, delete: [dnsRecord(ZONE, "d", { endpoint: "pe-b" })], conflicts: [], unchanged: [] };
}

describe("withoutEndpoints", () => {
  it("drops only the given endpoints' creates, updates and deletes", () => {
    const changes = sampleChanges();
    const kept = withoutEndpoints(changes, new Set([endpointId("pe-a").toLowerCase()]));
    expect(kept.create.map((r) => r.name)).toEqual(["b"]);
    expect(kept.update).toEqual([]);
    expect(kept.delete.map((r) => r.name)).toEqual(["d"]);
    expect(withoutEndpoints(changes, new Set())).toBe(changes);
  });
});

describe("firstChanges", () => {
  it("takes deletes first, then updates, then creates, and counts what is left", () => {
    const changes = sampleChanges();
    const first = firstChanges(changes, 3);
    expect([first.changes.delete.length, first.changes.update.length, first.changes.create.length, first.remaining]).toEqual([1, 1, 1, 1]);
    expect(first.changes.create.map((r) => r.name)).toEqual(["a"]);
    expect(firstChanges(changes, 4)).toEqual({ changes, remaining: 0 });
    expect(() => firstChanges(changes, 0)).toThrow(RangeError);
  });

  it("keeps a type swap (a delete and a create at one name) in one round, and every round makes progress", () => {
    const plan = fc
      .record({ deletes: fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 6 }), updates: fc.integer({ min: 0, max: 3 }), creates: fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 6 }) })
      .map(({ deletes, updates, creates }): DnsChanges => ({
        delete: deletes.map((n) => dnsRecord(ZONE, `n${n}`, { endpoint: "pe-a", type: "CNAME" })),
        update: Array.from({ length: updates }, (_, i) => ({ before: dnsRecord(ZONE, `u${i}`, { endpoint: "pe-a", ips: ["10.0.0.9"] }), after: dnsRecord(ZONE, `u${i}`, { endpoint: "pe-a" }) })),
        create: creates.map((n) => dnsRecord(ZONE, `n${n}`, { endpoint: "pe-a" })),
        conflicts: [],
        unchanged: [],
      }));
    fc.assert(
      fc.property(plan, fc.integer({ min: 1, max: 8 }), (changes, limit) => {
        const { changes: first, remaining } = firstChanges(changes, limit);
        const taken = first.delete.length + first.update.length + first.create.length;
        const total = changes.delete.length + changes.update.length + changes.create.length;
        const names = (rs: readonly DnsRecord[]) => new Set(rs.map((r) => r.name));
        const deleted = names(first.delete);
        const created = names(first.create);
        expect(taken + remaining).toBe(total);
        if (total > 0) expect(taken).toBeGreaterThan(0);
        expect(taken).toBeLessThanOrEqual(Math.max(limit, 2));
        for (const name of deleted) if (changes.create.some((r) => r.name === name)) expect(created.has(name)).toBe(true);
        for (const name of created) if (changes.delete.some((r) => r.name === name)) expect(deleted.has(name)).toBe(true);
        // Stale first: no update before every delete is taken, no plain create before every update.
        if (first.update.length > 0) expect(first.delete.length).toBe(changes.delete.length);
        if ([...created].some((n) => !deleted.has(n))) expect([first.delete.length, first.update.length]).toEqual([changes.delete.length, changes.update.length]);
      }),
    );
  });
});
