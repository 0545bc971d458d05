import { describe, expect, it } from "vitest";
import type { DnsRecord } from "../../../shared/domain";
import { PreconditionFailedError } from "../../../shared/azure/errors";
import { deleteRecordSet, getRecordSet, iterateRecordSets, listRecordSets, listZones, toDnsRecord, upsertARecord, upsertCNAMERecord } from "../../../shared/azure/privateDns";
import { BATCH_ZONE, BLOB_ZONE, LEGACY_BATCH_ZONE, RG_DNS, RG_DNS2, VAULT_ZONE, useEmulator, zoneId } from "./fixture";

const blob = { id: zoneId(BLOB_ZONE), name: BLOB_ZONE };

function aRecord(name: string, ipv4Addresses: string[], extra: Partial<DnsRecord> = {}): DnsRecord {
  return { zoneId: blob.id, zone: blob.name, name, type: "A", ttl: 10, ipv4Addresses, metadata: { managedBy: "privatelink-autopilot", owner: "test" }, ...extra };
}

describe("toDnsRecord", () => {
  it("translates A and CNAME record sets and skips other types", () => {
    expect(
      toDnsRecord({ name: "RecordA", type: "Microsoft.Network/privateDnsZones/A", etag: "e1", ttl: 3600, metadata: { k: "v" }, aRecords: [{ ipv4Address: "10.0.0.10" }, { ipv4Address: "10.0.0.9" }] }, blob),
    ).toEqual({ zoneId: blob.id, zone: BLOB_ZONE, name: "recorda", type: "A", ttl: 3600, ipv4Addresses: ["10.0.0.9", "10.0.0.10"], metadata: { k: "v" }, etag: "e1" });
    expect(toDnsRecord({ name: "c", type: "Microsoft.Network/privateDnsZones/CNAME", ttl: 60, cnameRecord: { cname: "contoso.com" } }, blob)).toMatchObject({
      type: "CNAME",
      cname: "contoso.com",
      ipv4Addresses: [],
      metadata: {},
    });
    expect(toDnsRecord({ name: "mx", type: "Microsoft.Network/privateDnsZones/MX", ttl: 60 }, blob)).toBeUndefined();
    expect(toDnsRecord({ name: "@", type: "Microsoft.Network/privateDnsZones/SOA" }, blob)).toBeUndefined();
  });
});

describe("private DNS adapter against the emulator", () => {
  const fx = useEmulator(2);

  it("lists the zones of several resource groups, lower-cased and sorted", async () => {
    const zones = await listZones(fx.clients, [RG_DNS, RG_DNS2]);
    expect(zones.map((z) => z.name)).toEqual([BATCH_ZONE, LEGACY_BATCH_ZONE, BLOB_ZONE, VAULT_ZONE].sort());
    expect(zones.find((z) => z.name === LEGACY_BATCH_ZONE)?.id.toLowerCase()).toBe(zoneId(LEGACY_BATCH_ZONE, RG_DNS2).toLowerCase());
  });

  it("follows nextLink across pages and returns every A and CNAME record set, skipping SOA", async () => {
    fx.emulator.control.resetCounters();
    const records = await listRecordSets(fx.clients, blob);
    expect(records.map((r) => `${r.type} ${r.name}`).sort()).toEqual(["A handmade", "A other1", "A other2", "CNAME alias"]);
    const handmade = records.find((r) => r.name === "handmade");
    expect(handmade).toMatchObject({ ttl: 300, ipv4Addresses: ["10.9.0.2", "10.9.0.10"], metadata: { team: "network" }, zoneId: blob.id, zone: BLOB_ZONE });
    expect(handmade?.etag).toBeTruthy();
    // Five record sets with SOA at two per page: three list requests.
    expect(fx.clients.requestCount()).toBe(3);
  });

  it("yields the record sets page by page as each page arrives, so a caller holds one page at a time", async () => {
    const pages: string[][] = [];
    for await (const page of iterateRecordSets(fx.clients, blob)) pages.push(page.map((r) => r.name));
    // Five record sets at two per page, the SOA skipped where it falls.
    expect(pages).toHaveLength(3);
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    expect(pages.flat().sort()).toEqual(["alias", "handmade", "other1", "other2"]);
  });

  it("creates an A record with If-None-Match and returns it with its new etag", async () => {
    const written = await upsertARecord(fx.clients, aRecord("stacct", ["10.20.1.4"]), { ifNoneMatch: "*" });
    expect(written).toMatchObject({ name: "stacct", type: "A", ttl: 10, ipv4Addresses: ["10.20.1.4"], metadata: { managedBy: "privatelink-autopilot", owner: "test" } });
    expect(written.etag).toBeTruthy();
    expect(await getRecordSet(fx.clients, blob, "A", "stacct")).toEqual(written);
  });

  it("refuses to create over an existing record set: 412 as PreconditionFailed", async () => {
    const error = await upsertARecord(fx.clients, aRecord("handmade", ["10.20.1.4"]), { ifNoneMatch: "*" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect((error as Error).name).toBe("PreconditionFailed");
    expect((await getRecordSet(fx.clients, blob, "A", "handmade"))?.ipv4Addresses).toEqual(["10.9.0.2", "10.9.0.10"]);
  });

  it("updates with the etag it read, and refuses a stale etag after someone else wrote", async () => {
    const created = await upsertARecord(fx.clients, aRecord("race", ["10.20.1.5"]), { ifNoneMatch: "*" });
    const updated = await upsertARecord(fx.clients, aRecord("race", ["10.20.1.6"]), { ifMatch: created.etag });
    expect(updated.ipv4Addresses).toEqual(["10.20.1.6"]);
    expect(updated.etag).not.toBe(created.etag);

    fx.emulator.control.putRecordSet({ zoneId: blob.id, type: "A", name: "race", ipv4Addresses: ["10.99.0.1"], metadata: { team: "someone-else" } });
    await expect(upsertARecord(fx.clients, aRecord("race", ["10.20.1.7"]), { ifMatch: updated.etag })).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(deleteRecordSet(fx.clients, updated, { ifMatch: updated.etag })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await getRecordSet(fx.clients, blob, "A", "race"))?.metadata).toEqual({ team: "someone-else" });
  });

  it("creates, updates and deletes a CNAME record set", async () => {
    const cname = { ...aRecord("batchacct", []), type: "CNAME" as const, cname: "batchacct.eastus.privatelink.batch.azure.com" };
    const created = await upsertCNAMERecord(fx.clients, cname, { ifNoneMatch: "*" });
    expect(created).toMatchObject({ type: "CNAME", cname: "batchacct.eastus.privatelink.batch.azure.com", ipv4Addresses: [] });
    const updated = await upsertCNAMERecord(fx.clients, { ...cname, cname: "other.privatelink.batch.azure.com" }, { ifMatch: created.etag });
    expect(updated.cname).toBe("other.privatelink.batch.azure.com");
    await deleteRecordSet(fx.clients, updated, { ifMatch: updated.etag });
    expect(await getRecordSet(fx.clients, blob, "CNAME", "batchacct")).toBeUndefined();
  });

  it("deletes with If-Match, and treats deleting what is already gone as done", async () => {
    const current = await getRecordSet(fx.clients, blob, "A", "other2");
    await deleteRecordSet(fx.clients, current as DnsRecord, { ifMatch: current?.etag });
    expect(await getRecordSet(fx.clients, blob, "A", "other2")).toBeUndefined();
    await expect(deleteRecordSet(fx.clients, current as DnsRecord)).resolves.toBeUndefined();
  });

  it("reads a missing record set as undefined", async () => {
    expect(await getRecordSet(fx.clients, blob, "A", "nothing-here")).toBeUndefined();
  });

  it("validates records before sending anything", async () => {
    const before = fx.clients.requestCount();
    await expect(upsertARecord(fx.clients, aRecord("x", []))).rejects.toThrow(RangeError);
    await expect(upsertARecord(fx.clients, aRecord("x", ["10.0.0.1"], { zone: VAULT_ZONE }))).rejects.toThrow(/zoneId/);
    await expect(upsertARecord(fx.clients, { ...aRecord("x", ["10.0.0.1"]), type: "CNAME" })).rejects.toThrow(TypeError);
    await expect(upsertCNAMERecord(fx.clients, { ...aRecord("x", []), type: "CNAME" })).rejects.toThrow(/canonical name/);
    await expect(upsertARecord(fx.clients, aRecord("x", ["10.0.0.1"]), { ifMatch: "e", ifNoneMatch: "*" })).rejects.toThrow(/not both/);
    await expect(listZones(fx.clients, [blob.id])).rejects.toThrow(/not a resource group id/);
    expect(fx.clients.requestCount()).toBe(before);
  });
});
