import { describe, expect, it } from "vitest";
import * as connections from "../../../shared/azure/connections";
import * as managementGroups from "../../../shared/azure/managementGroups";
import { ArmOperations, actionsOf, connectionWriteStatusActions, requiredActions } from "../../../shared/azure/operations";
import * as privateDns from "../../../shared/azure/privateDns";
import * as privateEndpoints from "../../../shared/azure/privateEndpoints";
import { LINK_PROVIDERS, linkProviderFor, supportedResourceTypes } from "../../../shared/azure/providers";

const SUB = "00000000-0000-0000-0000-000000000001";

describe("ArmOperations", () => {
  it("has an entry for every exported adapter function, named after it", () => {
    const adapters = [
      "listPrivateEndpoints",
      "getPrivateEndpoint",
      "getNetworkInterfaceEndpointId",
      "getLinkTarget",
      "listConnections",
      "getConnection",
      "approveConnection",
      "rejectConnection",
      "listZones",
      "listRecordSets",
      "getRecordSet",
      "upsertARecord",
      "upsertCNAMERecord",
      "deleteRecordSet",
      "listManagementGroupSubscriptions",
    ];
    const exported = { ...privateEndpoints, ...connections, ...privateDns, ...managementGroups } as Record<string, unknown>;
    for (const name of adapters) expect(typeof exported[name], name).toBe("function");
    // getNetworkInterfaceEndpointId is the NIC read; every other adapter has its own entry.
    const entries = new Set<string>(Object.values(ArmOperations).map((o) => o.name));
    for (const name of adapters.filter((n) => n !== "getNetworkInterfaceEndpointId")) expect(entries.has(name), name).toBe(true);
    for (const [key, operation] of Object.entries(ArmOperations)) expect(operation.name).toBe(key);
  });

  it("fills placeholders with the resource type and record type", () => {
    expect(actionsOf(ArmOperations.listConnections, { resourceType: "Microsoft.Batch/batchAccounts" })).toEqual(["Microsoft.Batch/batchAccounts/privateEndpointConnections/read"]);
    expect(actionsOf(ArmOperations.getRecordSet, { recordType: "A" })).toEqual(["Microsoft.Network/privateDnsZones/A/read"]);
    expect(actionsOf(ArmOperations.getConnection)).toEqual(["{resourceType}/privateEndpointConnections/read"]);
    expect(actionsOf(ArmOperations.approveConnection, { resourceType: "Microsoft.Batch/batchAccounts" })).toEqual([
      "Microsoft.Batch/batchAccounts/privateEndpointConnections/write",
      "Microsoft.Batch/batchAccounts/privateEndpointConnectionResults/read",
    ]);
  });
});

describe("requiredActions", () => {
  it("lists the DNS zone resource group's actions: zone read, ALL read, A and CNAME read/write/delete, VNet link read", () => {
    expect(requiredActions("dnsZoneResourceGroups")).toEqual([
      "Microsoft.Network/privateDnsZones/A/delete",
      "Microsoft.Network/privateDnsZones/A/read",
      "Microsoft.Network/privateDnsZones/A/write",
      "Microsoft.Network/privateDnsZones/ALL/read",
      "Microsoft.Network/privateDnsZones/CNAME/delete",
      "Microsoft.Network/privateDnsZones/CNAME/read",
      "Microsoft.Network/privateDnsZones/CNAME/write",
      "Microsoft.Network/privateDnsZones/read",
      "Microsoft.Network/privateDnsZones/virtualNetworkLinks/read",
    ]);
  });

  it("expands the watched subscriptions' actions over every supported provider, with no placeholder left", () => {
    const actions = requiredActions("watchedSubscriptions");
    expect(actions).toContain("Microsoft.Network/privateEndpoints/read");
    expect(actions).toContain("Microsoft.Network/networkInterfaces/read");
    expect(actions).toContain("Microsoft.Network/privateEndpoints/privateDnsZoneGroups/read");
    for (const type of supportedResourceTypes()) {
      expect(actions).toContain(`${type}/read`);
      expect(actions).toContain(`${type}/privateEndpointConnections/read`);
      expect(actions).toContain(`${type}/privateEndpointConnections/write`);
      for (const status of connectionWriteStatusActions(type)) expect(actions).toContain(status);
    }
    expect(actions.some((a) => a.includes("{"))).toBe(false);
    expect(actions.filter((a) => a.endsWith("/privateEndpointConnectionsApproval/action")), "the creator's action, not the owner's").toEqual([]);
    expect(new Set(actions).size).toBe(actions.length);
  });

  it("asks only to read the hierarchy on a management group", () => {
    expect(requiredActions("managementGroup")).toEqual(["Microsoft.Management/managementGroups/descendants/read"]);
  });
});

describe("linkProviderFor", () => {
  it("finds the provider of a resource or of one of its connections, case-insensitively", () => {
    const batch = `/subscriptions/${SUB}/resourceGroups/rg/providers/microsoft.batch/BATCHACCOUNTS/acct`;
    expect(linkProviderFor(batch)).toMatchObject({ resourceType: "Microsoft.Batch/batchAccounts", apiVersion: "2025-06-01", updateMethod: "PATCH" });
    expect(linkProviderFor(`${batch}/privateEndpointConnections/pec`).resourceType).toBe("Microsoft.Batch/batchAccounts");
  });

  it("uses the reference api-versions for Batch, ML, Storage and Key Vault", () => {
    const versions = Object.fromEntries(LINK_PROVIDERS.map((p) => [p.resourceType, p.apiVersion]));
    expect(versions).toMatchObject({
      "Microsoft.Batch/batchAccounts": "2025-06-01",
      "Microsoft.MachineLearningServices/workspaces": "2025-09-01",
      "Microsoft.Storage/storageAccounts": "2025-06-01",
      "Microsoft.KeyVault/vaults": "2024-11-01",
    });
  });

  it("refuses an unknown type with a RangeError listing the supported ones", () => {
    const id = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Contoso/widgets/w1`;
    expect(() => linkProviderFor(id)).toThrow(RangeError);
    expect(() => linkProviderFor(id)).toThrow(/Microsoft\.Contoso\/widgets.*supported types: .*Microsoft\.Batch\/batchAccounts/);
    expect(() => linkProviderFor(`/subscriptions/${SUB}/resourceGroups/rg`)).toThrow(RangeError);
  });
});
