import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ZoneSetSetting } from "../../../shared/config";
import { desiredRecordsIn } from "../../../shared/dns/desired";
import { planChanges } from "../../../shared/dns/plan";
import { clientNetworksOf, DEFAULT_ZONE_SET, linkedOnlyTo, resolutionAfter, zoneSetFor, zoneSetsOf, zonesForEndpoint, zonesOfSet } from "../../../shared/dns/zoneSets";
import type { ZoneSet } from "../../../shared/dns/zoneSets";
import { applyToEstate, dnsRecord, OWNER, privateEndpoint, resourceId, SUB, vnetId, zoneRef } from "./helpers";

const rg = (name: string) => `/subscriptions/${SUB}/resourceGroups/${name}`;
const setsOf = (zoneSets: ZoneSetSetting[]) => zoneSetsOf({ dnsZoneResourceGroupIds: zoneSets.flatMap((s) => s.zoneResourceGroups), zoneSets });

const TWO_SETS = setsOf([
  { name: "workload", zoneResourceGroups: [rg("rg-dns-workload")], virtualNetworks: [vnetId("vnet-workload")] },
  { name: "client", zoneResourceGroups: [rg("rg-dns-client")], virtualNetworks: [vnetId("vnet-client")] },
]);
const HUB_AND_SPOKE = setsOf([{ name: "hub", zoneResourceGroups: [rg("rg-dns")], resolverVirtualNetworks: [vnetId("hub")] }]);

const ML = resourceId("Microsoft.MachineLearningServices/workspaces", "myws");
const WS = "fb7e20a0-8891-458b-b969-55ddb3382f51";
const mlEndpoint = (name: string, vnet: string | undefined, ip: string) => ({
  ...privateEndpoint({ name, target: ML, groupIds: ["amlworkspace"], dns: { [`${WS}.workspace.eastus.api.azureml.ms`]: [ip] } }),
  ...(vnet === undefined ? {} : { virtualNetworkId: vnetId(vnet) }),
});

describe("zoneSetsOf", () => {
  it("without AUTOPILOT_ZONE_SETS: one default set of every zone resource group, serving every VNet, links unchecked", () => {
    expect(zoneSetsOf({ dnsZoneResourceGroupIds: [rg("rg-DNS"), rg("rg-dns2")] })).toEqual([
      { name: DEFAULT_ZONE_SET, zoneResourceGroupIds: [rg("rg-dns"), rg("rg-dns2")].map((g) => g.toLowerCase()), resolverVirtualNetworkIds: [], checksLinks: false },
    ]);
  });

  it("takes the configured sets, ids in lower case, links checked", () => {
    expect(setsOf([{ name: "a", zoneResourceGroups: [rg("RG-A")], virtualNetworks: [vnetId("VNet-1")], resolverVirtualNetworks: [vnetId("Hub")] }])).toEqual([
      { name: "a", zoneResourceGroupIds: [rg("rg-a").toLowerCase()], virtualNetworkIds: [vnetId("vnet-1").toLowerCase()], resolverVirtualNetworkIds: [vnetId("hub").toLowerCase()], checksLinks: true },
    ]);
  });
});

describe("zoneSetFor", () => {
  it("picks the set that names the endpoint's VNet (any case), else the set that names none, else none", () => {
    const sets = setsOf([
      { name: "workload", zoneResourceGroups: [rg("a")], virtualNetworks: [vnetId("vnet-workload")] },
      { name: "rest", zoneResourceGroups: [rg("b")] },
    ]);
    expect(zoneSetFor({ virtualNetworkId: vnetId("VNET-WORKLOAD") }, sets)?.name).toBe("workload");
    expect(zoneSetFor({ virtualNetworkId: vnetId("vnet-other") }, sets)?.name).toBe("rest");
    expect(zoneSetFor({}, sets)?.name).toBe("rest");
    expect(zoneSetFor({ virtualNetworkId: vnetId("vnet-other") }, TWO_SETS)).toBeUndefined();
  });

  it("is a function of the VNet: an endpoint never lands in a set that names other VNets only", () => {
    const vnet = fc.constantFrom("v1", "v2", "v3", "v4");
    const setting = fc.uniqueArray(vnet, { maxLength: 4 }).chain((vnets) =>
      fc.record({ split: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: vnets.length, maxLength: vnets.length }), catchAll: fc.boolean() }).map(({ split, catchAll }) => {
        const sets: ZoneSetSetting[] = [0, 1, 2].map((i) => ({ name: `s${i}`, zoneResourceGroups: [rg(`rg-${i}`)], virtualNetworks: vnets.filter((_, j) => split[j] === i).map(vnetId) }));
        const named = sets.filter((s) => (s.virtualNetworks ?? []).length > 0);
        return catchAll ? [...named, { name: "rest", zoneResourceGroups: [rg("rg-rest")] }] : named;
      }),
    );
    fc.assert(
      fc.property(setting, vnet, (zoneSets, v) => {
        const set = zoneSetFor({ virtualNetworkId: vnetId(v) }, setsOf(zoneSets));
        const naming = zoneSets.find((s) => s.virtualNetworks?.includes(vnetId(v)));
        if (naming !== undefined) return set?.name === naming.name;
        return set?.name === (zoneSets.some((s) => s.virtualNetworks === undefined) ? "rest" : undefined);
      }),
    );
  });
});

describe("zonesForEndpoint", () => {
  const zones = [
    zoneRef("privatelink.api.azureml.ms", ["vnet-workload"], "rg-dns-workload"),
    zoneRef("privatelink.notebooks.azure.net", [], "rg-dns-workload"),
    zoneRef("privatelink.api.azureml.ms", ["vnet-client"], "rg-dns-client"),
  ];

  it("counts the zones of the endpoint's own set that are linked to its VNet; the set's other zones are unlinked", () => {
    const { set, serving, unlinked } = zonesForEndpoint({ virtualNetworkId: vnetId("vnet-workload") }, TWO_SETS, zones);
    expect(set?.name).toBe("workload");
    expect(serving).toEqual([zones[0]]);
    expect(unlinked).toEqual([zones[1]]);
    expect(zonesOfSet(set as ZoneSet, zones)).toEqual([zones[0], zones[1]]);
  });

  it("counts zones linked only to a resolver VNet (hub-and-spoke with a DNS Private Resolver)", () => {
    const hubZone = zoneRef("privatelink.blob.core.windows.net", ["hub"]);
    const spokeOnly = zoneRef("privatelink.vaultcore.azure.net", ["spoke-2"]);
    expect(clientNetworksOf({ virtualNetworkId: vnetId("Spoke-1") }, HUB_AND_SPOKE[0] as ZoneSet)).toEqual([vnetId("spoke-1"), vnetId("hub")].map((v) => v.toLowerCase()));
    expect(zonesForEndpoint({ virtualNetworkId: vnetId("spoke-1") }, HUB_AND_SPOKE, [hubZone, spokeOnly])).toMatchObject({ serving: [hubZone], unlinked: [spokeOnly] });
  });

  it("counts every zone of the default set whatever its links, as before zone sets", () => {
    const unlinkedZone = zoneRef("privatelink.blob.core.windows.net", []);
    expect(zonesForEndpoint({ virtualNetworkId: vnetId("x") }, zoneSetsOf({ dnsZoneResourceGroupIds: [rg("rg-dns")] }), [unlinkedZone])).toMatchObject({ serving: [unlinkedZone], unlinked: [] });
  });

  it("gives an endpoint no set serves no zones", () => {
    expect(zonesForEndpoint({ virtualNetworkId: vnetId("elsewhere") }, TWO_SETS, zones)).toEqual({ serving: [], unlinked: [] });
  });
});

describe("linkedOnlyTo", () => {
  it("names the VNets linked to the legacy zone and not to the current one; undefined when links are unknown", () => {
    const legacy = zoneRef("privatelink.eastus.batch.azure.com", ["hub", "spoke"]);
    expect(linkedOnlyTo(legacy, zoneRef("privatelink.batch.azure.com", ["HUB"]))).toEqual([vnetId("spoke")]);
    expect(linkedOnlyTo(legacy, zoneRef("privatelink.batch.azure.com", ["hub", "spoke", "more"]))).toEqual([]);
    expect(linkedOnlyTo(zoneRef("privatelink.eastus.batch.azure.com", []), zoneRef("privatelink.batch.azure.com", []))).toEqual([]);
    expect(linkedOnlyTo(legacy, zoneRef("privatelink.batch.azure.com"))).toBeUndefined();
  });
});

describe("desiredRecordsIn", () => {
  const zones = [zoneRef("privatelink.api.azureml.ms", ["vnet-workload"], "rg-dns-workload"), zoneRef("privatelink.api.azureml.ms", ["vnet-client"], "rg-dns-client")];
  const workload = mlEndpoint("pe-workload", "vnet-workload", "10.1.0.4");
  const client = mlEndpoint("pe-client", "vnet-client", "10.2.0.4");

  it("puts two endpoints to one ML workspace from two VNets into their own sets, with no conflict, stable over three sweeps", () => {
    const desired = [workload, client].flatMap((e) => desiredRecordsIn(e, TWO_SETS, zones, { ownerId: OWNER }).records);
    expect(desired.map((r) => [r.zoneId, r.name, r.ipv4Addresses])).toEqual([
      [zones[0]?.id, `${WS}.workspace.eastus`, ["10.1.0.4"]],
      [zones[1]?.id, `${WS}.workspace.eastus`, ["10.2.0.4"]],
    ]);
    let estate = applyToEstate([], planChanges({ current: [], desired, ownerId: OWNER }));
    for (let sweep = 0; sweep < 3; sweep++) {
      const changes = planChanges({ current: estate, desired, ownerId: OWNER });
      expect(changes.conflicts).toEqual([]);
      expect(changes.create.length + changes.update.length + changes.delete.length).toBe(0);
      estate = applyToEstate(estate, changes);
    }
    expect(estate).toHaveLength(2);
  });

  it("with one central set (the default), the second endpoint's claim is a conflict, as the issue describes", () => {
    const central = zoneSetsOf({ dnsZoneResourceGroupIds: [rg("rg-dns")] });
    const desired = [workload, client].flatMap((e) => desiredRecordsIn(e, central, [zoneRef("privatelink.api.azureml.ms")], { ownerId: OWNER }).records);
    expect(planChanges({ current: [], desired, ownerId: OWNER }).conflicts).toEqual([expect.objectContaining({ reason: "claimedByLowerEndpoint" })]);
  });

  it("in a run over one zone set (a sweep shard), gives an endpoint another set serves nothing, not even skips", () => {
    const shardZones = [zones[0] as (typeof zones)[number]];
    expect(desiredRecordsIn(client, TWO_SETS, shardZones, { ownerId: OWNER, onlySet: "workload" })).toEqual({ records: [], servedByZoneGroup: [], skipped: [] });
    expect(desiredRecordsIn(client, TWO_SETS, shardZones, { ownerId: OWNER }).skipped).toEqual([expect.objectContaining({ reason: "missingZone" })]);
    expect(desiredRecordsIn(workload, TWO_SETS, shardZones, { ownerId: OWNER, onlySet: "workload" }).records).toHaveLength(1);
  });

  it("skips the names of an endpoint no set serves (noZoneSet) and of a zone not linked to its VNet (zoneNotLinked)", () => {
    expect(desiredRecordsIn(mlEndpoint("pe-x", "vnet-other", "10.3.0.4"), TWO_SETS, zones, { ownerId: OWNER }).skipped).toEqual([
      { fqdn: `${WS}.workspace.eastus.api.azureml.ms`, reason: "noZoneSet", detail: expect.stringContaining(`no zone set serves ${vnetId("vnet-other")}`) },
    ]);
    const unlinked = [zoneRef("privatelink.api.azureml.ms", ["vnet-client"], "rg-dns-workload")];
    expect(desiredRecordsIn(workload, TWO_SETS, unlinked, { ownerId: OWNER })).toMatchObject({
      records: [],
      skipped: [{ reason: "zoneNotLinked", detail: expect.stringContaining("rg-dns-workload/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms, which is linked to none of the VNets") }],
    });
  });
});

describe("resolutionAfter", () => {
  const zone = { ...zoneRef("privatelink.blob.core.windows.net"), links: [{ virtualNetworkId: vnetId("hub"), resolutionPolicy: "NxDomainRedirect" as const }, { virtualNetworkId: vnetId("spoke"), resolutionPolicy: "Default" as const }] };
  const record = (name: string, spec: Parameters<typeof dnsRecord>[2] = {}) => dnsRecord(zone.name, name, { endpoint: "pe-1", ...spec });

  it("says, per linked VNet, what clients get: the private address after a create or update; NXDOMAIN or the public endpoint (NxDomainRedirect) after a delete", () => {
    const changes = { create: [record("new", { ips: ["10.0.0.5"] })], update: [{ before: record("moved"), after: record("moved", { ips: ["10.0.0.6"] }) }], delete: [record("gone")] };
    expect(resolutionAfter(changes, [zone])).toEqual([
      { zone: zone.name, name: "gone", change: "delete", answers: [{ virtualNetworkId: vnetId("hub"), answer: "publicByFallback" }, { virtualNetworkId: vnetId("spoke"), answer: "nxdomain" }] },
      { zone: zone.name, name: "moved", change: "update", answers: [{ virtualNetworkId: vnetId("hub"), answer: "privateAddress", value: "10.0.0.6" }, { virtualNetworkId: vnetId("spoke"), answer: "privateAddress", value: "10.0.0.6" }] },
      { zone: zone.name, name: "new", change: "create", answers: [{ virtualNetworkId: vnetId("hub"), answer: "privateAddress", value: "10.0.0.5" }, { virtualNetworkId: vnetId("spoke"), answer: "privateAddress", value: "10.0.0.5" }] },
    ]);
  });

  it("counts a type swap (delete and create at one name) as the create only, and says nothing for zones whose links were not read or that have none", () => {
    const swap = { create: [record("swapped", { type: "CNAME", cname: "x.privatelink.batch.azure.com" })], update: [], delete: [record("swapped")] };
    expect(resolutionAfter(swap, [zone])).toEqual([expect.objectContaining({ name: "swapped", change: "create", answers: [expect.objectContaining({ answer: "privateAddress", value: "CNAME x.privatelink.batch.azure.com" }), expect.anything()] })]);
    expect(resolutionAfter(swap, [zoneRef(zone.name)])).toEqual([]);
    expect(resolutionAfter(swap, [{ ...zone, links: [] }])).toEqual([]);
  });
});
