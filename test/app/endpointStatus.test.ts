import { describe, expect, it } from "vitest";
import { statusOf, verdictOf } from "../../app/endpointStatus";
import type { StatusFacts } from "../../app/endpointStatus";
import type { DnsRecord, PrivateEndpoint } from "../../shared/domain";
import { desiredRecords } from "../../shared/dns/desired";
import { ownershipMetadata } from "../../shared/dns/ownership";

const SUB = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg";
const PE = `${SUB}/providers/Microsoft.Network/privateEndpoints/pe-app`;
const OTHER_PE = `${SUB}/providers/Microsoft.Network/privateEndpoints/pe-other`;
const BATCH = `${SUB}/providers/Microsoft.Batch/batchAccounts/batchprod`;
const ZONES = [{ id: `${SUB}/providers/Microsoft.Network/privateDnsZones/privatelink.batch.azure.com`, name: "privatelink.batch.azure.com" }];

function endpoint(status: "Approved" | "Pending" | "Rejected", zoneGroupZones: string[] = []): PrivateEndpoint {
  return {
    id: PE,
    name: "pe-app",
    location: "westeurope",
    provisioningState: "Succeeded",
    links: [{ name: "pe-app", targetResourceId: BATCH, groupIds: ["batchAccount"], status, manual: true }],
    dnsConfigs: [{ fqdn: "batchprod.westeurope.batch.azure.com", ipAddresses: ["10.1.2.4"] }],
    zoneGroupZones,
  };
}

/** Facts for an endpoint whose one wanted record is held by `have` (or by nothing). */
function facts(pe: PrivateEndpoint, have?: (want: DnsRecord) => DnsRecord): StatusFacts {
  const desired = desiredRecords(pe, ZONES, { ownerId: "me" });
  const found = new Map(have === undefined ? [] : desired.records.map((want) => [`${want.zone}/${want.name}/${want.type}`, have(want)] as const));
  return { endpoint: pe, ownerId: "me", decisions: [], notes: [], desired: desired.records, servedByZoneGroup: desired.servedByZoneGroup, skipped: desired.skipped, found };
}

describe("verdictOf", () => {
  it("is ready when every wanted record is ours, for this endpoint, with the endpoint's IPs", () => {
    const status = statusOf(facts(endpoint("Approved"), (want) => want));
    expect(status).toMatchObject({ verdict: "ready", names: [{ fqdn: "batchprod.westeurope.privatelink.batch.azure.com", zone: "privatelink.batch.azure.com", expected: "10.1.2.4", record: { value: "10.1.2.4", owner: "me", endpointId: PE.toLowerCase() } }] });
  });

  it("is ready when Batch's legacy zone keeps an A record because the CNAME is not safe (a note, not a missing answer)", () => {
    const legacy = { id: `${SUB}/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.batch.azure.com`, name: "privatelink.westeurope.batch.azure.com", links: [{ virtualNetworkId: `${SUB}/providers/Microsoft.Network/virtualNetworks/spoke`, resolutionPolicy: "Default" as const }] };
    const desired = desiredRecords(endpoint("Approved"), [{ ...ZONES[0], links: [] } as (typeof ZONES)[number], legacy], { ownerId: "me" });
    expect(desired.skipped.map((s) => s.reason)).toEqual(["cnameNotSafe"]);
    const found = new Map(desired.records.map((want) => [`${want.zone}/${want.name}/${want.type}`, want] as const));
    const verdict = verdictOf({ endpoint: endpoint("Approved"), ownerId: "me", decisions: [], notes: [], desired: desired.records, servedByZoneGroup: [], skipped: desired.skipped, found });
    expect(verdict).toEqual({ verdict: "ready", reason: "every name resolves privately (2 record(s) written)" });
  });

  it("waits for a record not written yet, or one whose value is about to change", () => {
    expect(verdictOf(facts(endpoint("Approved")))).toMatchObject({ verdict: "waiting", reason: expect.stringMatching(/is not written yet/) });
    expect(verdictOf(facts(endpoint("Approved"), (want) => ({ ...want, ipv4Addresses: ["10.9.9.9"] })))).toMatchObject({ verdict: "waiting", reason: expect.stringMatching(/holds 10.9.9.9, 10.1.2.4 is on its way/) });
  });

  it("calls a name held by a record we do not own, or by another endpoint, a conflict", () => {
    const foreign = verdictOf(facts(endpoint("Approved"), (want) => ({ ...want, ipv4Addresses: ["10.9.9.9"], metadata: {} })));
    expect(foreign).toMatchObject({ verdict: "conflict", reason: expect.stringMatching(/held by a record the app does not own \(10.9.9.9\); the app never overwrites it/) });
    const otherOwner = verdictOf(facts(endpoint("Approved"), (want) => ({ ...want, ipv4Addresses: ["10.9.9.9"], metadata: ownershipMetadata("them", PE) })));
    expect(otherOwner).toMatchObject({ verdict: "conflict", reason: expect.stringMatching(/of owner them/) });
    const otherEndpoint = verdictOf(facts(endpoint("Approved"), (want) => ({ ...want, metadata: ownershipMetadata("me", OTHER_PE) })));
    expect(otherEndpoint).toMatchObject({ verdict: "conflict", reason: expect.stringMatching(/held by endpoint .*pe-other/) });
    // A record we do not own that already holds the right value resolves as wanted.
    expect(verdictOf(facts(endpoint("Approved"), (want) => ({ ...want, metadata: {} }))).verdict).toBe("ready");
  });

  it("says what a person must do for a rejected connection or one the policy leaves Pending, and waits for one it approves", () => {
    expect(verdictOf(facts(endpoint("Rejected")))).toMatchObject({ verdict: "not-ours", reason: expect.stringMatching(/is Rejected/) });
    const pending = (action: "approve" | "reject" | "leavePending") => ({
      ...facts(endpoint("Pending")),
      decisions: [{ connectionId: `${BATCH}/privateEndpointConnections/c`, endpointId: PE, targetResourceId: BATCH, decision: { action, ruleName: "r", reason: "because", description: "because" } }],
    });
    expect(verdictOf(pending("leavePending"))).toEqual({ verdict: "pending-approval", reason: "connection pe-app is Pending: policy rule r leaves it for a person (because)" });
    expect(verdictOf(pending("reject")).verdict).toBe("not-ours");
    expect(verdictOf(pending("approve")).verdict).toBe("waiting");
  });

  it("is ready when the endpoint's own zone group serves its names", () => {
    const status = statusOf(facts(endpoint("Approved", ["privatelink.batch.azure.com"])));
    expect(status.verdict).toBe("ready");
    expect(status.names).toEqual([{ fqdn: expect.stringContaining("batch"), note: "servedByZoneGroup" }]);
  });
});
