import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { desiredRecords, keepHeldARecords, sortIpv4 } from "../../../shared/dns/desired";
import { endpointOf, isOwnedBy } from "../../../shared/dns/ownership";
import { dnsRecord, endpointId, OWNER, privateEndpoint, resourceId, zoneRef } from "./helpers";

const STORAGE = resourceId("Microsoft.Storage/storageAccounts", "acct");
const BATCH = resourceId("Microsoft.Batch/batchAccounts", "myacct");
const ML = resourceId("Microsoft.MachineLearningServices/workspaces", "myws");
const WS = "fb7e20a0-8891-458b-b969-55ddb3382f51";

const BLOB_ZONE = zoneRef("privatelink.blob.core.windows.net");
const BATCH_ZONE = zoneRef("privatelink.batch.azure.com");
const BATCH_LEGACY_ZONE = zoneRef("privatelink.eastus.batch.azure.com");
const API_ZONE = zoneRef("privatelink.api.azureml.ms");
const NOTEBOOKS_ZONE = zoneRef("privatelink.notebooks.azure.net");

const options = { ownerId: OWNER };

function blobEndpoint(overrides: Partial<Parameters<typeof privateEndpoint>[0]> = {}) {
  return privateEndpoint({ target: STORAGE, groupIds: ["blob"], dns: { "acct.blob.core.windows.net": ["10.0.0.4"] }, ...overrides });
}

describe("desiredRecords", () => {
  it("wants one A record per FQDN, marked as ours and naming the target, with the default TTL", () => {
    const { records, skipped, servedByZoneGroup } = desiredRecords(blobEndpoint(), [BLOB_ZONE], options);
    expect(records).toEqual([
      {
        zoneId: BLOB_ZONE.id,
        zone: "privatelink.blob.core.windows.net",
        name: "acct",
        type: "A",
        ttl: 10,
        ipv4Addresses: ["10.0.0.4"],
        metadata: { managedBy: "privatelink-autopilot", owner: OWNER, endpointId: endpointId("pe-1").toLowerCase(), targetResourceId: STORAGE.toLowerCase() },
      },
    ]);
    expect(skipped).toEqual([]);
    expect(servedByZoneGroup).toEqual([]);
  });

  it("sorts addresses numerically, drops duplicates and non-IPv4 entries, and merges repeated FQDNs", () => {
    const endpoint = blobEndpoint();
    endpoint.dnsConfigs = [
      { fqdn: "ACCT.blob.core.windows.net.", ipAddresses: ["10.0.0.10", "10.0.0.9", "fd00::1"] },
      { fqdn: "acct.blob.core.windows.net", ipAddresses: ["10.0.0.9", "10.0.0.100"] },
    ];
    const { records } = desiredRecords(endpoint, [BLOB_ZONE], { ownerId: OWNER, ttl: 300 });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ name: "acct", ttl: 300, ipv4Addresses: ["10.0.0.9", "10.0.0.10", "10.0.0.100"] });
  });

  it.each(["Pending", "Rejected", "Disconnected"] as const)("wants nothing while the connection is %s", (status) => {
    const { records, skipped } = desiredRecords(blobEndpoint({ status }), [BLOB_ZONE], options);
    expect(records).toEqual([]);
    expect(skipped).toEqual([{ fqdn: "acct.blob.core.windows.net", reason: "notApproved", detail: "no connection of endpoint pe-1 is Approved" }]);
  });

  it("wants nothing until the endpoint has Succeeded", () => {
    const { records, skipped } = desiredRecords(blobEndpoint({ provisioningState: "Updating" }), [BLOB_ZONE], options);
    expect(records).toEqual([]);
    expect(skipped).toEqual([{ fqdn: "acct.blob.core.windows.net", reason: "notProvisioned", detail: "endpoint pe-1 is Updating, not Succeeded" }]);
  });

  it("skips an FQDN that has no address yet", () => {
    const endpoint = blobEndpoint({ dns: { "acct.blob.core.windows.net": [] } });
    expect(desiredRecords(endpoint, [BLOB_ZONE], options)).toMatchObject({ records: [], skipped: [{ reason: "noAddresses" }] });
  });

  it("reports a missing zone and writes nothing for it", () => {
    const { records, skipped } = desiredRecords(blobEndpoint(), [zoneRef("privatelink.file.core.windows.net")], options);
    expect(records).toEqual([]);
    expect(skipped).toEqual([{ fqdn: "acct.blob.core.windows.net", reason: "missingZone", detail: expect.stringContaining("privatelink.blob.core.windows.net") }]);
  });

  it("reports names served by the endpoint's zone group and writes nothing for them", () => {
    const endpoint = privateEndpoint({
      target: STORAGE,
      groupIds: ["blob"],
      dns: { "acct.blob.core.windows.net": ["10.0.0.4"] },
      zoneGroupZones: ["privatelink.blob.core.windows.net"],
    });
    expect(desiredRecords(endpoint, [BLOB_ZONE], options)).toEqual({ records: [], servedByZoneGroup: ["acct.blob.core.windows.net"], skipped: [] });
  });

  it("serves the names a zone group misses", () => {
    const endpoint = privateEndpoint({
      target: ML,
      groupIds: ["amlworkspace"],
      dns: { [`${WS}.workspace.eastus.api.azureml.ms`]: ["10.1.0.5"], [`ml-myws-eastus-${WS}.eastus.notebooks.azure.net`]: ["10.1.0.6"] },
      zoneGroupZones: ["privatelink.api.azureml.ms"],
    });
    const { records, servedByZoneGroup } = desiredRecords(endpoint, [API_ZONE, NOTEBOOKS_ZONE], options);
    expect(records.map((r) => `${r.name}.${r.zone}`)).toEqual([`ml-myws-eastus-${WS}.eastus.privatelink.notebooks.azure.net`]);
    expect(servedByZoneGroup).toEqual([`${WS}.workspace.eastus.api.azureml.ms`]);
  });

  it("maps a Key Vault FQDN into the vaultcore zone", () => {
    const endpoint = privateEndpoint({ target: resourceId("Microsoft.KeyVault/vaults", "kv1"), groupIds: ["vault"], dns: { "kv1.vault.azure.net": ["10.0.0.7"] } });
    const vaultcore = zoneRef("privatelink.vaultcore.azure.net");
    expect(desiredRecords(endpoint, [vaultcore], options).records).toEqual([expect.objectContaining({ zoneId: vaultcore.id, name: "kv1", ipv4Addresses: ["10.0.0.7"] })]);
  });

  it("merges two FQDNs that land on one record name", () => {
    const endpoint = privateEndpoint({
      target: resourceId("Microsoft.KeyVault/vaults", "kv1"),
      groupIds: ["vault"],
      dns: { "kv1.vault.azure.net": ["10.0.0.7"], "kv1.vaultcore.azure.net": ["10.0.0.8"] },
    });
    const { records } = desiredRecords(endpoint, [zoneRef("privatelink.vaultcore.azure.net")], options);
    expect(records).toEqual([expect.objectContaining({ name: "kv1", ipv4Addresses: ["10.0.0.7", "10.0.0.8"] })]);
  });

  it("ignores links that are not approved when an approved one maps the name", () => {
    const endpoint = blobEndpoint();
    endpoint.links.unshift({ name: "old", targetResourceId: resourceId("Microsoft.Sql/servers", "sql1"), groupIds: ["sqlServer"], status: "Rejected", manual: true });
    expect(desiredRecords(endpoint, [BLOB_ZONE], options).records).toHaveLength(1);
  });

  it("reports an FQDN outside the service's forwarders", () => {
    const endpoint = blobEndpoint({ dns: { "acct.file.core.windows.net": ["10.0.0.4"] } });
    expect(desiredRecords(endpoint, [BLOB_ZONE], options).skipped).toEqual([expect.objectContaining({ reason: "unknownSuffix" })]);
  });

  it("reports a service the table does not know", () => {
    const endpoint = privateEndpoint({ target: resourceId("Contoso.Widgets/widgets", "w1"), groupIds: ["widget"], dns: { "w1.widgets.contoso.com": ["10.0.0.4"] } });
    expect(desiredRecords(endpoint, [BLOB_ZONE], options).skipped).toEqual([expect.objectContaining({ reason: "unknownService" })]);
  });

  it("reports an approved link without groupIds as an unknown service", () => {
    const endpoint = blobEndpoint({ groupIds: [] });
    expect(desiredRecords(endpoint, [BLOB_ZONE], options).skipped).toEqual([expect.objectContaining({ reason: "unknownService", detail: expect.stringContaining("no groupId") })]);
  });

  it("rejects a TTL that Azure DNS would refuse", () => {
    expect(() => desiredRecords(blobEndpoint(), [BLOB_ZONE], { ownerId: OWNER, ttl: 0 })).toThrow(RangeError);
    expect(() => desiredRecords(blobEndpoint(), [BLOB_ZONE], { ownerId: OWNER, ttl: 1.5 })).toThrow(/integer number of seconds/);
  });

  it("rejects a missing owner id", () => {
    expect(() => desiredRecords(blobEndpoint(), [BLOB_ZONE], { ownerId: "" })).toThrow(TypeError);
  });

  describe("Batch", () => {
    const batchEndpoint = (groupIds = ["batchAccount"], dns: Record<string, string[]> = { "myacct.eastus.batch.azure.com": ["10.2.0.4"] }) =>
      privateEndpoint({ name: "pe-batch", target: BATCH, groupIds, dns, location: "westeurope" });

    it("writes the account A record in the current zone when only it is in use", () => {
      const { records } = desiredRecords(batchEndpoint(), [BATCH_ZONE], options);
      expect(records).toEqual([expect.objectContaining({ zoneId: BATCH_ZONE.id, name: "myacct.eastus", type: "A", ipv4Addresses: ["10.2.0.4"] })]);
    });

    it("writes the account A record in the legacy regional zone when only it is in use", () => {
      const { records } = desiredRecords(batchEndpoint(), [BATCH_LEGACY_ZONE], options);
      expect(records).toEqual([expect.objectContaining({ zoneId: BATCH_LEGACY_ZONE.id, zone: "privatelink.eastus.batch.azure.com", name: "myacct", type: "A" })]);
    });

    it("writes the A record in the current zone and the documented CNAME in the legacy zone when the current zone is linked to every VNet the legacy zone is", () => {
      const { records, skipped } = desiredRecords(batchEndpoint(), [zoneRef("privatelink.eastus.batch.azure.com", ["hub"]), zoneRef("privatelink.batch.azure.com", ["hub", "spoke"])], options);
      expect(records).toEqual([
        expect.objectContaining({ zone: "privatelink.batch.azure.com", name: "myacct.eastus", type: "A", ipv4Addresses: ["10.2.0.4"] }),
        expect.objectContaining({ zone: "privatelink.eastus.batch.azure.com", name: "myacct", type: "CNAME", cname: "myacct.eastus.privatelink.batch.azure.com", ipv4Addresses: [], sameAnswerAddresses: ["10.2.0.4"] }),
      ]);
      expect(records.every((r) => isOwnedBy(r, OWNER) && endpointOf(r) === endpointId("pe-batch").toLowerCase())).toBe(true);
      expect(skipped).toEqual([]);
    });

    it("keeps an A record in the legacy zone, and says why, while the current zone is not linked to every VNet the legacy zone is", () => {
      const { records, skipped } = desiredRecords(batchEndpoint(), [zoneRef("privatelink.eastus.batch.azure.com", ["hub", "spoke"]), zoneRef("privatelink.batch.azure.com", ["hub"])], options);
      expect(records.map((r) => [r.zone, r.name, r.type, r.ipv4Addresses])).toEqual([
        ["privatelink.batch.azure.com", "myacct.eastus", "A", ["10.2.0.4"]],
        ["privatelink.eastus.batch.azure.com", "myacct", "A", ["10.2.0.4"]],
      ]);
      expect(skipped).toEqual([{ fqdn: "myacct.eastus.batch.azure.com", reason: "cnameNotSafe", detail: expect.stringMatching(/privatelink\.batch\.azure\.com is not linked to \S+\/virtualNetworks\/spoke, which privatelink\.eastus\.batch\.azure\.com is linked to/) }]);
    });

    it("keeps an A record in the legacy zone when the zones' links are unknown (never guesses a CNAME is safe)", () => {
      const { records, skipped } = desiredRecords(batchEndpoint(), [BATCH_LEGACY_ZONE, BATCH_ZONE], options);
      expect(records.map((r) => r.type)).toEqual(["A", "A"]);
      expect(skipped).toEqual([expect.objectContaining({ reason: "cnameNotSafe", detail: expect.stringContaining("were not read") })]);
    });

    it("ignores another region's legacy zone", () => {
      const { records, skipped } = desiredRecords(batchEndpoint(), [zoneRef("privatelink.westeurope.batch.azure.com")], options);
      expect(records).toEqual([]);
      expect(skipped).toEqual([expect.objectContaining({ reason: "missingZone", detail: expect.stringContaining("privatelink.batch.azure.com or privatelink.eastus.batch.azure.com") })]);
    });

    it("still writes the legacy CNAME when the zone group serves the current zone", () => {
      const endpoint = batchEndpoint();
      endpoint.zoneGroupZones = ["privatelink.batch.azure.com"];
      const { records, servedByZoneGroup } = desiredRecords(endpoint, [zoneRef("privatelink.batch.azure.com", ["hub"]), zoneRef("privatelink.eastus.batch.azure.com", ["hub"])], options);
      expect(records).toEqual([expect.objectContaining({ zone: "privatelink.eastus.batch.azure.com", type: "CNAME" })]);
      expect(servedByZoneGroup).toEqual(["myacct.eastus.batch.azure.com"]);
    });

    it("writes nodeManagement only in the current zone, legacy zone or not", () => {
      const endpoint = batchEndpoint(["nodeManagement"], { "myacct.eastus.service.batch.azure.com": ["10.2.0.5"] });
      expect(desiredRecords(endpoint, [BATCH_ZONE, BATCH_LEGACY_ZONE], options).records).toEqual([
        expect.objectContaining({ zone: "privatelink.batch.azure.com", name: "myacct.eastus.service", type: "A", ipv4Addresses: ["10.2.0.5"] }),
      ]);
      expect(desiredRecords(endpoint, [BATCH_LEGACY_ZONE], options).skipped).toEqual([expect.objectContaining({ reason: "missingZone" })]);
    });
  });

  it("places Batch records by the table, for every combination of zones present and their links", () => {
    const vnets = fc.subarray(["hub", "spoke", "client"]);
    const zone = (name: string) => fc.option(fc.option(vnets, { nil: undefined }).map((links) => zoneRef(name, links)), { nil: null });
    const endpoint = privateEndpoint({ name: "pe-batch", target: BATCH, groupIds: ["batchAccount"], dns: { "myacct.eastus.batch.azure.com": ["10.2.0.4"] } });
    fc.assert(
      fc.property(zone("privatelink.eastus.batch.azure.com"), zone("privatelink.batch.azure.com"), (legacy, current) => {
        const { records, skipped } = desiredRecords(endpoint, [legacy, current].filter((z) => z !== null), options);
        const placed = records.map((r) => `${r.zone === "privatelink.batch.azure.com" ? "current" : "legacy"} ${r.type}`);
        const safe = legacy?.links !== undefined && current?.links !== undefined && legacy.links.every((l) => current.links?.some((c) => c.virtualNetworkId === l.virtualNetworkId));
        const expected = [...(current !== null ? ["current A"] : []), ...(legacy === null ? [] : current === null ? ["legacy A"] : safe ? ["legacy CNAME"] : ["legacy A"])];
        expect(placed).toEqual(expected);
        // Every record answers with the endpoint's address, directly or through the CNAME into a zone with a record.
        expect(records.filter((r) => r.type === "CNAME").every((r) => r.cname === "myacct.eastus.privatelink.batch.azure.com" && placed.includes("current A"))).toBe(true);
        expect(skipped.map((s) => s.reason)).toEqual(legacy === null && current === null ? ["missingZone"] : legacy !== null && current !== null && !safe ? ["cnameNotSafe"] : []);
      }),
    );
  });

  describe("keepHeldARecords", () => {
    const legacy = zoneRef("privatelink.eastus.batch.azure.com", ["hub"]);
    const current = zoneRef("privatelink.batch.azure.com", ["hub"]);
    const endpoint = privateEndpoint({ name: "pe-batch", target: BATCH, groupIds: ["batchAccount"], dns: { "myacct.eastus.batch.azure.com": ["10.2.0.4"] } });
    const desired = desiredRecords(endpoint, [legacy, current], options).records;
    const held = (spec: Parameters<typeof dnsRecord>[2]) => dnsRecord(legacy.name, "myacct", { etag: "e1", ...spec });

    it("keeps our A record at the legacy name, with the addresses the CNAME would lead to, instead of swapping it", () => {
      const kept = keepHeldARecords(desired, [held({ endpoint: "pe-batch", ips: ["10.2.0.4"] })], OWNER);
      expect(kept.map((r) => [r.zone, r.type, r.ipv4Addresses, r.cname])).toEqual([
        ["privatelink.batch.azure.com", "A", ["10.2.0.4"], undefined],
        ["privatelink.eastus.batch.azure.com", "A", ["10.2.0.4"], undefined],
      ]);
      expect(kept[1]).not.toHaveProperty("sameAnswerAddresses");
      expect(kept[1]?.metadata).toEqual(desired[1]?.metadata);
    });

    it("keeps our A record even with stale addresses (updated in place) or another endpoint's (handed over in place)", () => {
      expect(keepHeldARecords(desired, [held({ endpoint: "pe-batch", ips: ["10.9.9.9"] })], OWNER)[1]).toMatchObject({ type: "A", ipv4Addresses: ["10.2.0.4"] });
      expect(keepHeldARecords(desired, [held({ endpoint: "pe-old", ips: ["10.9.9.9"] })], OWNER)[1]).toMatchObject({ type: "A", ipv4Addresses: ["10.2.0.4"] });
    });

    it("wants the CNAME where the name is free, holds our CNAME, or holds a record that is not ours", () => {
      expect(keepHeldARecords(desired, [], OWNER)).toEqual(desired);
      expect(keepHeldARecords(desired, [held({ type: "CNAME", cname: "x", endpoint: "pe-batch" })], OWNER)).toEqual(desired);
      expect(keepHeldARecords(desired, [held({ ips: ["10.2.0.4"] })], OWNER)).toEqual(desired);
      expect(keepHeldARecords(desired, [held({ endpoint: "pe-batch", owner: "another-deployment" })], OWNER)).toEqual(desired);
      const elsewhere = { ...held({ endpoint: "pe-batch" }), zoneId: zoneRef(legacy.name, [], "rg-other").id };
      expect(keepHeldARecords(desired, [elsewhere], OWNER)).toEqual(desired);
    });
  });

  it("maps an ML workspace's FQDNs across both of its zones and reports those without a zone", () => {
    const endpoint = privateEndpoint({
      name: "pe-ml",
      target: ML,
      groupIds: ["amlworkspace"],
      location: "eastus",
      dns: {
        [`${WS}.workspace.eastus.api.azureml.ms`]: ["10.1.0.5"],
        [`${WS}.workspace.eastus.cert.api.azureml.ms`]: ["10.1.0.5"],
        [`ml-myws-eastus-${WS}.eastus.notebooks.azure.net`]: ["10.1.0.6"],
        [`*.${WS}.inference.eastus.api.azureml.ms`]: ["10.1.0.7"],
        "*.eastus.inference.ml.azure.com": ["10.1.0.7"],
        "ci1.eastus.instances.azureml.ms": ["10.1.0.5"],
      },
    });
    const { records, skipped } = desiredRecords(endpoint, [API_ZONE, NOTEBOOKS_ZONE], options);
    expect(records.map((r) => [r.zone, r.name, r.ipv4Addresses.join(",")])).toEqual([
      ["privatelink.api.azureml.ms", `*.${WS}.inference.eastus`, "10.1.0.7"],
      ["privatelink.api.azureml.ms", `${WS}.workspace.eastus`, "10.1.0.5"],
      ["privatelink.api.azureml.ms", `${WS}.workspace.eastus.cert`, "10.1.0.5"],
      ["privatelink.notebooks.azure.net", `ml-myws-eastus-${WS}.eastus`, "10.1.0.6"],
    ]);
    expect(records.map((r) => r.zoneId)).toEqual([API_ZONE.id, API_ZONE.id, API_ZONE.id, NOTEBOOKS_ZONE.id]);
    expect(skipped).toEqual([
      expect.objectContaining({ fqdn: "*.eastus.inference.ml.azure.com", reason: "noPrivateZone" }),
      expect.objectContaining({ fqdn: "ci1.eastus.instances.azureml.ms", reason: "noPrivateZone" }),
    ]);
  });
});

describe("sortIpv4", () => {
  it("orders addresses by value, not by text", () => {
    expect(sortIpv4(["10.0.0.20", "9.255.255.255", "10.0.0.3", " 10.0.0.3", "256.0.0.1", "10.0.0"])).toEqual(["9.255.255.255", "10.0.0.3", "10.0.0.20"]);
  });
});
