import { describe, expect, it } from "vitest";
import type { Connection, EndpointLink, PrivateEndpoint } from "../../../shared/domain";
import { capRequestMessage, connectionFactsOf, REQUEST_MESSAGE_MAX_LENGTH } from "../../../shared/policy";

const SUB = "8f3c2a1e-5b4d-4c6e-9a7f-0123456789ab";
const STORAGE = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/st`;
const OTHER = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/other`;
const ENDPOINT = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/pe-st`;

const connection = (overrides: Partial<Connection> = {}): Connection => ({
  id: `${STORAGE}/privateEndpointConnections/pe-st.1`,
  resourceId: STORAGE,
  resourceType: "Microsoft.Storage/storageAccounts",
  privateEndpointId: ENDPOINT,
  groupIds: [],
  status: "Pending",
  description: "CHG0012345",
  ...overrides,
});

const link = (targetResourceId: string, groupIds: string[], requestMessage?: string): EndpointLink => ({ name: "l", targetResourceId, groupIds, status: "Pending", manual: true, ...(requestMessage === undefined ? {} : { requestMessage }) });
const endpoint = (...links: EndpointLink[]): PrivateEndpoint => ({ id: ENDPOINT, name: "pe-st", location: "eastus", provisioningState: "Succeeded", links, dnsConfigs: [], zoneGroupZones: [] });

describe("connectionFactsOf", () => {
  it("takes the connection's group ids first, then the endpoint's links to this resource, else none", () => {
    expect(connectionFactsOf({ connection: connection({ groupIds: ["blob"] }), endpoint: endpoint(link(STORAGE, ["file"])) })).toMatchObject({ groupIds: ["blob"], groupIdsSource: "connection" });
    expect(connectionFactsOf({ connection: connection(), endpoint: endpoint(link(STORAGE.toUpperCase(), ["blob"]), link(STORAGE, ["blob", "file"]), link(OTHER, ["queue"])) })).toMatchObject({ groupIds: ["blob", "file"], groupIdsSource: "endpoint" });
    const unknown = connectionFactsOf({ connection: connection() });
    expect(unknown.groupIdsSource).toBe("unknown");
    expect("groupIds" in unknown).toBe(false);
  });

  it("reads the names the criteria compare from the ids", () => {
    expect(connectionFactsOf({ connection: connection(), target: { id: STORAGE, type: "Microsoft.Storage/storageAccounts", location: "eastus", tags: { env: "prod" } } })).toMatchObject({
      targetResourceId: STORAGE,
      targetResourceGroup: "rg-data",
      targetTags: { env: "prod" },
      endpointSubscriptionId: SUB,
      endpointResourceGroup: "rg-net",
      endpointName: "pe-st",
    });
    const broken = connectionFactsOf({ connection: connection({ privateEndpointId: "garbage" }) });
    expect(broken.endpointSubscriptionId).toBeUndefined();
  });

  it("takes the request message from the connection, else from the endpoint, capped at Azure's 140 characters", () => {
    expect(connectionFactsOf({ connection: connection(), endpoint: endpoint(link(STORAGE, ["blob"], "other")) }).requestMessage).toBe("CHG0012345");
    expect(connectionFactsOf({ connection: connection({ description: "" }), endpoint: endpoint(link(STORAGE, ["blob"], "from the endpoint")) }).requestMessage).toBe("from the endpoint");
    expect(connectionFactsOf({ connection: connection({ description: "x".repeat(500) }) }).requestMessage).toHaveLength(REQUEST_MESSAGE_MAX_LENGTH);
    const astral = `${"a".repeat(REQUEST_MESSAGE_MAX_LENGTH - 1)}😀`;
    expect(capRequestMessage(astral)).toBe("a".repeat(REQUEST_MESSAGE_MAX_LENGTH - 1));
  });
});
