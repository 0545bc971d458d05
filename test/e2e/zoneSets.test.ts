import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator, EstateSeed } from "@privatelink-autopilot/arm-emulator";
import { createArmClients, StaticTokenCredential } from "../../shared/azure/clients";
import { emptyEstate, HUB, OWNER, recordsIn, SPOKE, startStack } from "./stack";
import type { Stack } from "./stack";

const BATCH = `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`;
const ML = `/subscriptions/${SPOKE}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlws`;
// Spoke VNets: a private endpoint lives in its VNet's subscription (Azure requires it), and the endpoints here are in the spoke.
const vnet = (name: string) => `/subscriptions/${SPOKE}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;
const CURRENT = "privatelink.batch.azure.com";
const LEGACY = "privatelink.eastus.batch.azure.com";

type Zone = NonNullable<EstateSeed["privateDnsZones"]>[number];

function zone(name: string, resourceGroup: string, linkedTo: readonly string[]): Zone {
  return { name, subscriptionId: HUB, resourceGroup, virtualNetworkLinks: linkedTo.map((v) => ({ name: `link-${v}`, virtualNetworkId: vnet(v) })) };
}

/** The demo estate without endpoints, with only the zones given. */
async function estateWith(zones: Zone[], subnets: EstateSeed["subnets"] = []): Promise<EstateSeed> {
  const estate = await emptyEstate();
  return { ...estate, privateDnsZones: zones, recordSets: [], subnets: [...(estate.subnets ?? []), ...(subnets ?? [])] };
}

/**
 * A polling reader: samples the record sets at one name on every turn of the event loop (the emulator
 * serves ARM in this process, so no write can pass unseen between two samples of the same turn).
 */
/** `onAnswerAgain` is called at the first sample after each gap, while nothing else has run since the write that ended it. */
function watchName(emulator: Emulator, zoneName: string, name: string, onAnswerAgain?: () => void): { stop(): { samples: number; empty: number; emptyMs: number; types: string[] } } {
  let samples = 0;
  let empty = 0;
  let emptySince: number | undefined;
  let emptyMs = 0;
  const types = new Set<string>();
  let running = true;
  const sample = () => {
    if (!running) return;
    const found = emulator.control.snapshot().recordSets.filter((r) => r.zoneName === zoneName && r.name === name);
    samples++;
    if (found.length === 0) {
      empty++;
      emptySince ??= performance.now();
    } else if (emptySince !== undefined) {
      emptyMs += performance.now() - emptySince;
      emptySince = undefined;
      onAnswerAgain?.();
    }
    for (const r of found) types.add(r.type);
    setImmediate(sample);
  };
  sample();
  return {
    stop() {
      running = false;
      return { samples, empty, emptyMs, types: [...types].sort() };
    },
  };
}

function linkClient(stack: Stack) {
  const clients = createArmClients({ endpoint: stack.emulator.url, credential: new StaticTokenCredential(), ca: stack.emulator.ca });
  return {
    link: (zoneName: string, v: string) =>
      clients.privateDns(HUB).virtualNetworkLinks.beginCreateOrUpdateAndWait("rg-dns", zoneName, `link-${v}`, { location: "global", virtualNetwork: { id: vnet(v) }, registrationEnabled: false }, { updateIntervalInMs: 5 }),
    unlink: (zoneName: string, v: string, resourceGroup = "rg-dns") => clients.privateDns(HUB).virtualNetworkLinks.beginDeleteAndWait(resourceGroup, zoneName, `link-${v}`, { updateIntervalInMs: 5 }),
  };
}

const newBatchEndpoint = (name: string) => ({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name, targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true, requestMessage: "batch" });

describe("Batch's two zones by VNet link (local host + ARM emulator)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ estate: await estateWith([]) });
  });
  afterAll(async () => {
    await stack.close();
  });
  beforeEach(async () => {
    // Step 1 of Microsoft's migration, half done: the new zone exists, linked to no VNet yet.
    await stack.reseed(await estateWith([zone(CURRENT, "rg-dns", []), zone(LEGACY, "rg-dns", ["vnet-hub", "vnet-spoke"])]));
  });

  it("legacy zone linked, new zone unlinked: the legacy A record stays and the report says why", async () => {
    stack.emulator.control.createPrivateEndpoint(newBatchEndpoint("pe-batch"));
    await stack.settle();
    expect(recordsIn(stack.emulator, LEGACY)).toEqual([expect.stringMatching(/^batchprod A 10\.20\.1\.\d+ owner=e2e-owner$/)]);

    const { report } = await stack.run("all");
    expect(report.dns.skipped).toEqual([
      {
        fqdn: "batchprod.eastus.batch.azure.com",
        reason: "cnameNotSafe",
        detail: `batchprod.${LEGACY} keeps an A record instead of the CNAME to batchprod.eastus.${CURRENT}: ${CURRENT} is not linked to ${vnet("vnet-hub")}, ${vnet("vnet-spoke")}, which ${LEGACY} is linked to, so clients there would get no private answer through the CNAME`,
      },
    ]);
    expect(report.dns.created).toEqual([]);
    expect(report.dns.deleted).toEqual([]);
    expect(recordsIn(stack.emulator, LEGACY)).toEqual([expect.stringMatching(/^batchprod A /)]);
    // Without zone sets a zone counts whatever its links: the new zone already has the A record.
    expect(recordsIn(stack.emulator, CURRENT)).toEqual([expect.stringMatching(/^batchprod\.eastus A 10\.20\.1\.\d+ owner=e2e-owner$/)]);
  });

  it("both linked: the new zone has the A record, our legacy A is kept (no moment without a record), and a free legacy name gets the CNAME", async () => {
    const first = stack.emulator.control.createPrivateEndpoint(newBatchEndpoint("pe-batch"));
    await stack.settle();
    const legacyA = recordsIn(stack.emulator, LEGACY);
    const links = linkClient(stack);
    await links.link(CURRENT, "vnet-hub");
    await links.link(CURRENT, "vnet-spoke");
    await stack.settle();

    const watch = watchName(stack.emulator, LEGACY, "batchprod");
    const { report } = await stack.run("all");
    const seen = watch.stop();
    expect(seen.samples).toBeGreaterThan(10);
    expect(seen).toMatchObject({ empty: 0, emptyMs: 0, types: ["A"] });
    expect(report.dns.skipped).toEqual([]);
    expect(report.dns.deleted).toEqual([]);
    expect(recordsIn(stack.emulator, LEGACY)).toEqual(legacyA);
    expect(recordsIn(stack.emulator, CURRENT)).toEqual([expect.stringMatching(/^batchprod\.eastus A 10\.20\.1\.\d+ owner=e2e-owner$/)]);
    expect(recordsIn(stack.emulator, CURRENT)[0]?.split(" ")[2]).toBe(legacyA[0]?.split(" ")[2]);
    // The status a pipeline waits on agrees: the kept A record is what the name should hold.
    const status = (await stack.get(`/api/endpoints${first.id}/status`)).body as { verdict: string; names: { zone?: string; expected?: string; record?: { type: string } }[] };
    expect(status.verdict).toBe("ready");
    expect(status.names.find((n) => n.zone === LEGACY)).toMatchObject({ expected: legacyA[0]?.split(" ")[2], record: { type: "A" } });

    // The legacy name is free once its endpoint goes; a new endpoint there gets the documented CNAME.
    stack.emulator.control.deletePrivateEndpoint(first.id);
    await stack.settle();
    expect(recordsIn(stack.emulator, LEGACY)).toEqual([]);
    stack.emulator.control.createPrivateEndpoint(newBatchEndpoint("pe-batch-2"));
    await stack.settle();
    expect(recordsIn(stack.emulator, LEGACY)).toEqual([`batchprod CNAME batchprod.eastus.${CURRENT} owner=${OWNER}`]);
    expect((await stack.run("all")).report.dns).toMatchObject({ created: [], updated: [], deleted: [], skipped: [] });
  });
});

describe("what clients get, per linked VNet, in previews and reports (local host + ARM emulator)", () => {
  let stack: Stack;

  beforeAll(async () => {
    const current = zone(CURRENT, "rg-dns", []);
    current.virtualNetworkLinks = [
      { name: "link-hub", virtualNetworkId: vnet("vnet-hub"), resolutionPolicy: "NxDomainRedirect" },
      { name: "link-spoke", virtualNetworkId: vnet("vnet-spoke") },
    ];
    stack = await startStack({ estate: await estateWith([current]) });
  });
  afterAll(async () => {
    await stack.close();
  });

  it("a preview of deleting a gone endpoint's record says: the public endpoint by fallback where the link has NxDomainRedirect, NXDOMAIN elsewhere", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint(newBatchEndpoint("pe-batch"));
    await stack.settle();
    const written = (await stack.run({ endpointId: endpoint.id }, true)).report;
    expect(written.dns.unchanged).toHaveLength(1);
    stack.emulator.control.setEventChaos({ dropProbability: 1 });
    stack.emulator.control.deletePrivateEndpoint(endpoint.id);

    const { report } = await stack.run("all", true);
    stack.emulator.control.clearEventChaos();
    expect(report.dryRun).toBe(true);
    expect((report.dns as { resolution?: unknown }).resolution).toEqual([
      {
        zone: CURRENT,
        name: "batchprod.eastus",
        change: "delete",
        answers: [
          { virtualNetworkId: vnet("vnet-hub"), answer: "publicByFallback" },
          { virtualNetworkId: vnet("vnet-spoke"), answer: "nxdomain" },
        ],
      },
    ]);
    expect(recordsIn(stack.emulator, CURRENT)).toHaveLength(1);
  });
});

describe("a type swap Batch cannot avoid (local host + ARM emulator)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ estate: await estateWith([zone(CURRENT, "rg-dns", ["vnet-hub", "vnet-spoke"]), zone(LEGACY, "rg-dns", ["vnet-hub", "vnet-spoke"])]) });
  });
  afterAll(async () => {
    await stack.close();
  });

  it("our legacy CNAME becomes an A record when the new zone loses a VNet: the A follows the delete at once, before any other change of the run", async () => {
    stack.emulator.control.createPrivateEndpoint(newBatchEndpoint("pe-batch"));
    await stack.settle();
    expect(recordsIn(stack.emulator, LEGACY)).toEqual([`batchprod CNAME batchprod.eastus.${CURRENT} owner=${OWNER}`]);
    await linkClient(stack).unlink(CURRENT, "vnet-spoke");
    await stack.settle();

    // Other changes for the same run: a record to update (stale address) and one to create (a new endpoint).
    stack.emulator.control.setEventChaos({ dropProbability: 1 });
    const current = stack.emulator.control.snapshot().recordSets.find((r) => r.zoneName === CURRENT && r.name === "batchprod.eastus");
    stack.emulator.control.putRecordSet({ zoneId: current?.zoneId as string, type: "A", name: "batchprod.eastus", ttl: 10, ipv4Addresses: ["10.99.99.99"], metadata: current?.metadata ?? {} });
    stack.emulator.control.createPrivateEndpoint({ ...newBatchEndpoint("pe-batch-nodes"), groupIds: ["nodeManagement"] });

    const others: string[][] = [];
    const seen = watchName(stack.emulator, LEGACY, "batchprod", () => others.push(recordsIn(stack.emulator, CURRENT)));
    const { report } = await stack.run("all");
    const gap = seen.stop();
    stack.emulator.control.clearEventChaos();

    expect(recordsIn(stack.emulator, LEGACY)).toEqual([expect.stringMatching(/^batchprod A 10\.20\.1\.\d+ owner=e2e-owner$/)]);
    expect(report.dns.deleted).toEqual([expect.objectContaining({ zone: LEGACY, name: "batchprod", type: "CNAME" })]);
    expect(report.dns.skipped).toEqual([expect.objectContaining({ reason: "cnameNotSafe" })]);
    expect(gap.types).toEqual(["A", "CNAME"]);
    const resolution = (report.dns as { resolution?: { zone: string; name: string; change: string; answers: { answer: string }[] }[] }).resolution ?? [];
    expect(resolution.filter((r) => r.zone === LEGACY).map((r) => [r.name, r.change, r.answers.map((a) => a.answer)])).toEqual([["batchprod", "create", ["privateAddress", "privateAddress"]]]);
    // When the name answers again, the run's update and create have not happened yet: nothing came between.
    expect(others).toHaveLength(1);
    expect(others[0]).toEqual([expect.stringMatching(/^batchprod\.eastus A 10\.99\.99\.99 /)]);
    expect(recordsIn(stack.emulator, CURRENT)).toEqual([expect.stringMatching(/^batchprod\.eastus A 10\.20\.1\.\d+ /), expect.stringMatching(/^batchprod\.eastus\.service A /)]);
  });
});

describe("zone sets: two VNets, each with its own zones (local host + ARM emulator)", () => {
  const RG_WORKLOAD = `/subscriptions/${HUB}/resourceGroups/rg-dns-workload`;
  const RG_CLIENT = `/subscriptions/${HUB}/resourceGroups/rg-dns-client`;
  const subnet = (v: string) => `${vnet(v)}/subnets/snet-pe`;
  let stack: Stack;

  beforeAll(async () => {
    const zones = ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"].flatMap((name) => [zone(name, "rg-dns-workload", ["vnet-workload"]), zone(name, "rg-dns-client", ["vnet-client"])]);
    const subnets = [
      { id: subnet("vnet-workload"), addressPrefix: "10.30.1.0/24" },
      { id: subnet("vnet-client"), addressPrefix: "10.40.1.0/24" },
    ];
    stack = await startStack({
      estate: await estateWith(zones, subnets),
      settings: {
        AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `${RG_WORKLOAD},${RG_CLIENT}`,
        AUTOPILOT_ZONE_SETS: JSON.stringify([
          { name: "workload", zoneResourceGroups: [RG_WORKLOAD], virtualNetworks: [vnet("vnet-workload")] },
          { name: "client", zoneResourceGroups: [RG_CLIENT], virtualNetworks: [vnet("vnet-client")] },
        ]),
      },
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it("two endpoints to one ML workspace from two VNets: each served in its own set, no conflict, stable over three sweeps", async () => {
    for (const v of ["vnet-workload", "vnet-client"]) {
      stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: `pe-ml-${v}`, subnetId: subnet(v), targetResourceId: ML, groupIds: ["amlworkspace"], manual: true, requestMessage: "ml" });
    }
    await stack.settle();
    const snapshot = stack.emulator.control.snapshot();
    const inSet = (rg: string) =>
      snapshot.recordSets
        .filter((r) => r.zoneId.toLowerCase().includes(`/resourcegroups/${rg}/`) && r.zoneName === "privatelink.api.azureml.ms")
        .map((r) => `${r.name} ${r.aRecords.join(",")} ${r.metadata["endpointId"]?.split("/").at(-1)}`)
        .sort();
    const workload = inSet("rg-dns-workload");
    const client = inSet("rg-dns-client");
    expect(workload.length).toBeGreaterThan(0);
    expect(workload.every((r) => / 10\.30\.1\.\d+ pe-ml-vnet-workload$/.test(r))).toBe(true);
    expect(client.every((r) => / 10\.40\.1\.\d+ pe-ml-vnet-client$/.test(r))).toBe(true);
    expect(client.map((r) => r.split(" ")[0])).toEqual(workload.map((r) => r.split(" ")[0]));

    for (let sweep = 1; sweep <= 3; sweep++) {
      const { report } = await stack.run("all");
      // Both sets' VNets are in the spoke: one shard for them, and one for the subscriptions no set serves.
      expect(report.notes).toContain("swept in 2 shards: workload+client, unserved");
      expect(report.dns).toMatchObject({ created: [], updated: [], deleted: [], conflicts: [] });
      expect(report.errors).toEqual([]);
    }

    // Unlinked from the client VNet, the client set's zone no longer serves its endpoint: our records there go, and the report says why.
    await linkClient(stack).unlink("privatelink.api.azureml.ms", "vnet-client", "rg-dns-client");
    await stack.settle();
    const { report } = await stack.run("all");
    expect(report.dns.deleted).toHaveLength(client.length);
    expect(report.dns.deleted.every((r) => (r as { endpointId?: string }).endpointId?.endsWith("/pe-ml-vnet-client"))).toBe(true);
    expect(report.dns.skipped).toEqual(
      expect.arrayContaining([expect.objectContaining({ reason: "zoneNotLinked", detail: expect.stringContaining("rg-dns-client/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms, which is linked to none of the VNets its clients resolve from") })]),
    );
    expect(recordsIn(stack.emulator, "privatelink.api.azureml.ms").length).toBe(workload.length);
  });
});
