import { describe, expect, it } from "vitest";
import { adviseZone, BATCH_ZONE, legacyBatchZoneRegion, planPairs, vnetLinkStates } from "../../../shared/dns/batchMigration";
import type { MigrationPair, PlanPairsInput } from "../../../shared/dns/batchMigration";
import { desiredRecords } from "../../../shared/dns/desired";
import { planChanges } from "../../../shared/dns/plan";
import { dnsRecord, endpointId, OWNER, privateEndpoint, resourceId, zoneRef } from "./helpers";

const LEGACY = "privatelink.eastus.batch.azure.com";
const BATCH = "Microsoft.Batch/batchAccounts";

/** An Approved endpoint to a Batch account, serving `<account>.eastus.batch.azure.com`. */
function batchEndpoint(account: string, ip: string) {
  return privateEndpoint({ name: `pe-${account}`, target: resourceId(BATCH, account), groupIds: ["batchAccount"], dns: { [`${account}.eastus.batch.azure.com`]: [ip] } });
}

function input(overrides: Partial<PlanPairsInput> = {}): PlanPairsInput {
  const zones = [zoneRef(BATCH_ZONE), zoneRef(LEGACY)];
  const desired = [batchEndpoint("ours", "10.0.0.4"), batchEndpoint("handmade", "10.0.0.5")].flatMap((e) => desiredRecords(e, zones, { ownerId: OWNER }).records);
  return {
    region: "eastus",
    legacyRecords: [dnsRecord(LEGACY, "ours", { ips: ["10.0.0.4"], endpoint: "pe-ours" }), dnsRecord(LEGACY, "handmade", { ips: ["10.0.0.5"], metadata: { createdBy: "terraform" } })],
    newZone: zoneRef(BATCH_ZONE),
    newRecords: [],
    desiredInNewZone: desired.filter((r) => r.zone === BATCH_ZONE),
    ...overrides,
  };
}

const byName = (pairs: MigrationPair[]) => Object.fromEntries(pairs.map((p) => [p.legacy.name, p]));

describe("legacyBatchZoneRegion", () => {
  it("reads the region of a legacy regional zone and nothing else", () => {
    expect(legacyBatchZoneRegion("privatelink.eastus.batch.azure.com")).toBe("eastus");
    expect(legacyBatchZoneRegion("PrivateLink.WestEurope.batch.azure.com")).toBe("westeurope");
    expect(legacyBatchZoneRegion(BATCH_ZONE)).toBeUndefined();
    expect(legacyBatchZoneRegion("privatelink.eastus.service.batch.azure.com")).toBeUndefined();
    expect(legacyBatchZoneRegion("privatelink.blob.core.windows.net")).toBeUndefined();
  });
});

describe("planPairs", () => {
  it("copies owned and foreign records alike as the record the endpoint serving the name desires", () => {
    const pairs = byName(planPairs(input()));
    expect(pairs["ours"]).toMatchObject({ status: "wouldCopy", targetName: "ours.eastus" });
    expect(pairs["handmade"]).toMatchObject({ status: "wouldCopy", targetName: "handmade.eastus", detail: `copy to handmade.eastus.${BATCH_ZONE} for endpoint pe-handmade` });
    const copy = pairs["handmade"]?.copy;
    expect(copy).toMatchObject({ zone: BATCH_ZONE, name: "handmade.eastus", type: "A", ipv4Addresses: ["10.0.0.5"] });
    expect(copy?.metadata).toMatchObject({ managedBy: "privatelink-autopilot", owner: OWNER, endpointId: endpointId("pe-handmade").toLowerCase() });
  });

  it("does not copy a record no endpoint in scope serves, and says why", () => {
    const pairs = byName(planPairs(input({ legacyRecords: [dnsRecord(LEGACY, "elsewhere", { ips: ["10.9.9.9"] })] })));
    expect(pairs["elsewhere"]).toMatchObject({ status: "notCopied" });
    expect(pairs["elsewhere"]?.detail).toMatch(/no Approved endpoint in scope serves elsewhere\.eastus\.batch\.azure\.com.*sweep/);
    expect(pairs["elsewhere"]?.copy).toBeUndefined();
  });

  it("does not copy a record whose endpoint is not Approved: the sweep desires nothing for it", () => {
    const pending = { ...batchEndpoint("handmade", "10.0.0.5"), links: batchEndpoint("handmade", "10.0.0.5").links.map((l) => ({ ...l, status: "Pending" as const })) };
    const desiredInNewZone = desiredRecords(pending, [zoneRef(BATCH_ZONE)], { ownerId: OWNER }).records;
    expect(byName(planPairs(input({ desiredInNewZone })))["handmade"]).toMatchObject({ status: "notCopied" });
  });

  it("does not copy a record whose addresses differ from those of the endpoint that serves the name", () => {
    const pairs = byName(planPairs(input({ legacyRecords: [dnsRecord(LEGACY, "ours", { ips: ["10.1.1.1"] })] })));
    expect(pairs["ours"]).toMatchObject({ status: "notCopied" });
    expect(pairs["ours"]?.detail).toMatch(/serves ours\.eastus\.batch\.azure\.com at 10\.0\.0\.4, the legacy record answers 10\.1\.1\.1/);
  });

  it("leaves an existing target with the same addresses (verified, whoever owns it) and never overwrites a different one", () => {
    const newRecords = [dnsRecord(BATCH_ZONE, "ours.eastus", { ips: ["10.0.0.4"], metadata: { createdBy: "hand" } }), dnsRecord(BATCH_ZONE, "handmade.eastus", { ips: ["10.7.7.7"] })];
    const pairs = byName(planPairs(input({ newRecords })));
    expect(pairs["ours"]).toMatchObject({ status: "verified" });
    expect(pairs["handmade"]).toMatchObject({ status: "conflict" });
    expect(pairs["handmade"]?.detail).toMatch(/answers 10\.7\.7\.7, the legacy record 10\.0\.0\.5; left alone, never overwritten/);
    expect(Object.values(pairs).every((p) => p.copy === undefined)).toBe(true);
  });

  it("a CNAME at the target is a conflict, not a verified copy", () => {
    const pairs = byName(planPairs(input({ newRecords: [dnsRecord(BATCH_ZONE, "ours.eastus", { type: "CNAME", cname: "x.example" })] })));
    expect(pairs["ours"]).toMatchObject({ status: "conflict" });
  });

  it("skips other CNAMEs and names that are not Batch accounts", () => {
    const legacyRecords = [dnsRecord(LEGACY, "ours", { type: "CNAME", cname: "elsewhere.example" }), dnsRecord(LEGACY, "@"), dnsRecord(LEGACY, "a.b")];
    expect(planPairs(input({ legacyRecords })).map((p) => p.status)).toEqual(["skipped", "skipped", "skipped"]);
  });

  it("counts an already switched name (the documented CNAME) as verified once its target A exists", () => {
    const legacyRecords = [dnsRecord(LEGACY, "ours", { type: "CNAME", cname: `ours.eastus.${BATCH_ZONE}.` })];
    expect(planPairs(input({ legacyRecords })).map((p) => p.status)).toEqual(["notCopied"]);
    const newRecords = [dnsRecord(BATCH_ZONE, "ours.eastus", { ips: ["10.0.0.4"] })];
    expect(planPairs(input({ legacyRecords, newRecords }))).toMatchObject([{ status: "verified", targetName: "ours.eastus" }]);
  });

  it("copies nothing while the new zone does not exist", () => {
    expect(planPairs(input({ newZone: undefined })).map((p) => p.status)).toEqual(["notCopied", "notCopied"]);
  });

  it("gives a name two endpoints serve to the lowest endpoint id, as the sweep does", () => {
    const zones = [zoneRef(BATCH_ZONE)];
    const a = desiredRecords({ ...batchEndpoint("ours", "10.0.0.4"), id: endpointId("pe-b") }, zones, { ownerId: OWNER }).records;
    const b = desiredRecords({ ...batchEndpoint("ours", "10.0.0.4"), id: endpointId("pe-a") }, zones, { ownerId: OWNER }).records;
    const pairs = byName(planPairs(input({ desiredInNewZone: [...a, ...b] })));
    expect(pairs["ours"]?.copy?.metadata["endpointId"]).toBe(endpointId("pe-a").toLowerCase());
  });

  it("a copy is a record the drift sweep keeps: planned over both zones, it is unchanged, never deleted", () => {
    const zones = [zoneRef(BATCH_ZONE), zoneRef(LEGACY)];
    const copies = planPairs(input()).flatMap((p) => (p.copy !== undefined ? [{ ...p.copy, etag: "e" }] : []));
    expect(copies).toHaveLength(2);
    const desired = [batchEndpoint("ours", "10.0.0.4"), batchEndpoint("handmade", "10.0.0.5")].flatMap((e) => desiredRecords(e, zones, { ownerId: OWNER }).records);
    const sweep = planChanges({ current: [...input().legacyRecords, ...copies], desired, ownerId: OWNER });
    expect(sweep.unchanged.map((r) => `${r.name}.${r.zone}`).sort()).toEqual([`handmade.eastus.${BATCH_ZONE}`, `ours.eastus.${BATCH_ZONE}`]);
    expect(sweep.delete.filter((r) => r.zone === BATCH_ZONE)).toEqual([]);
    // The foreign original is never touched; only a conflict is reported at its name.
    expect([...sweep.delete, ...sweep.update.map((u) => u.before)].some((r) => r.name === "handmade")).toBe(false);
  });
});

describe("vnetLinkStates and adviseZone", () => {
  const HUB = "/subscriptions/x/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet-hub";
  const SPOKE = "/subscriptions/x/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/VNet-Spoke";
  const verified = planPairs(input({ newRecords: [dnsRecord(BATCH_ZONE, "ours.eastus", { ips: ["10.0.0.4"] }), dnsRecord(BATCH_ZONE, "handmade.eastus", { ips: ["10.0.0.5"] })] }));

  it("joins the links of both zones by VNet, case-insensitively", () => {
    expect(vnetLinkStates([{ name: "l1", virtualNetworkId: SPOKE }], [{ name: "l2", virtualNetworkId: SPOKE.toLowerCase() }])).toEqual([
      { virtualNetworkId: SPOKE.toLowerCase(), legacyLinks: ["l1"], newLinks: ["l2"] },
    ]);
  });

  it("names the VNets linked to the legacy zone only: link the new zone to them first", () => {
    const vnets = vnetLinkStates([{ name: "hub", virtualNetworkId: HUB }, { name: "spoke", virtualNetworkId: SPOKE }], [{ name: "hub", virtualNetworkId: HUB }]);
    const advice = adviseZone(LEGACY, true, verified, vnets);
    expect(advice).toMatchObject({ step: "linkNewZone", toLink: [SPOKE.toLowerCase()], safeToDelete: false });
    expect(advice.advice).toBe(`link ${BATCH_ZONE} to vnet-spoke: they resolve from ${LEGACY} only`);
  });

  it("asks for the new zone first when it does not exist", () => {
    const advice = adviseZone(LEGACY, false, [], vnetLinkStates([{ name: "hub", virtualNetworkId: HUB }], []));
    expect(advice).toMatchObject({ step: "createNewZone", safeToDelete: false });
  });

  it("asks for the copies before the unlink while any record has no verified copy", () => {
    const vnets = vnetLinkStates([{ name: "hub", virtualNetworkId: HUB }], [{ name: "hub", virtualNetworkId: HUB }]);
    expect(adviseZone(LEGACY, true, planPairs(input()), vnets)).toMatchObject({ step: "copyRecords", safeToDelete: false });
  });

  it("says unlink once every VNet links the new zone and every copy is verified", () => {
    const vnets = vnetLinkStates([{ name: "hub", virtualNetworkId: HUB }], [{ name: "hub", virtualNetworkId: HUB }]);
    const advice = adviseZone(LEGACY, true, verified, vnets);
    expect(advice).toMatchObject({ step: "unlinkLegacyZone", toUnlink: [HUB.toLowerCase()], safeToDelete: false });
    expect(advice.advice).toBe(`every record has a verified copy and every VNet links ${BATCH_ZONE}: unlink ${LEGACY} from vnet-hub, then check that the names resolve privately`);
  });

  it("says safe to delete only once the legacy zone is linked to no VNet and every record has a verified copy", () => {
    const vnets = vnetLinkStates([], [{ name: "hub", virtualNetworkId: HUB }]);
    expect(adviseZone(LEGACY, true, verified, vnets)).toMatchObject({ step: "safeToDelete", safeToDelete: true });
    const notCopied = planPairs(input({ legacyRecords: [dnsRecord(LEGACY, "elsewhere", { ips: ["10.9.9.9"] })] }));
    expect(adviseZone(LEGACY, true, notCopied, vnets)).toMatchObject({ step: "copyRecords", safeToDelete: false });
  });
});
