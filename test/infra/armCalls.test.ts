import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLE_FILES } from "../../infra/scripts/writeRoles";
import type { RoleDefinitionFile } from "../../infra/scripts/writeRoles";
import { CONNECTION_WRITE_STATUS_ACTIONS } from "../../shared/azure/operations";
import type { PermissionScope } from "../../shared/azure/operations";
import { createArmClients, StaticTokenCredential } from "../../shared/azure/clients";
import { emptyEstate, SPOKE, startStack, TEST_POLICY, UNKNOWN } from "../e2e/stack";
import type { Stack } from "../e2e/stack";
import { armActionOf } from "./armAction";

const roleActions = (scope: PermissionScope) => new Set((JSON.parse(readFileSync(ROLE_FILES[scope], "utf8")) as RoleDefinitionFile).actions.map((a) => a.toLowerCase()));
const approver = roleActions("watchedSubscriptions");
const dnsWriter = roleActions("dnsZoneResourceGroups");

const BATCH = `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`;
const STORAGE = `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
const ML = `/subscriptions/${SPOKE}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlws`;
const KEYVAULT = `/subscriptions/${SPOKE}/resourceGroups/rg-security/providers/Microsoft.KeyVault/vaults/kv-secrets`;

/** The emulator's own status URLs (`/providers/<Ns>/locations/<region>/operations|operationResults/<id>`); Azure's differ per provider. */
const EMULATOR_STATUS_URL = /\/providers\/([^/]+)\/locations\/[^/]+\/(?:operations|operationResults)\/[^/?]+/i;

describe("every ARM request the app sends in a run", () => {
  let stack: Stack;
  const requests: { method: string; path: string }[] = [];
  // Off while the test itself acts as someone else (moves a resource).
  let capturing = true;
  const onRequest = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    if (capturing && request.host === "127.0.0.1" && String(request.getHeader("host") ?? "").endsWith(`:${stack.emulator.port}`)) requests.push({ method: request.method, path: request.path });
  };

  beforeAll(async () => {
    stack = await startStack({ estate: await emptyEstate() });
    subscribe("http.client.request.start", onRequest);
    // Approve (Batch: PATCH, long-running; ML and Storage: PUT), leave Pending (Key Vault), reject a stranger,
    // write A and CNAME records, then delete them as an endpoint goes, and sweep the whole scope.
    const create = (name: string, target: string, groupIds: string[], subscriptionId = SPOKE) =>
      stack.emulator.control.createPrivateEndpoint({ subscriptionId, resourceGroup: subscriptionId === SPOKE ? "rg-endpoints" : "rg-rogue", name, targetResourceId: target, groupIds, manual: true });
    const batch = create("pe-batch", BATCH, ["batchAccount"]);
    create("pe-ml", ML, ["amlworkspace"]);
    create("pe-blob", STORAGE, ["blob"]);
    create("pe-kv", KEYVAULT, ["vault"]);
    create("pe-rogue", STORAGE, ["blob"], UNKNOWN);
    await stack.settle();
    await stack.run({ resourceId: STORAGE });
    stack.emulator.control.deletePrivateEndpoint(batch.id);
    await stack.settle();
    await stack.run("all");
    // An orphan the sweep removes (orphanedConnections: remove): the Batch account moved, then its endpoint deleted.
    const orphan = create("pe-orphan", BATCH, ["batchAccount"]);
    await stack.settle();
    await writeFile(stack.policyFile, `${TEST_POLICY}\norphanedConnections: remove\n`);
    capturing = false;
    const clients = createArmClients({ endpoint: stack.emulator.url, credential: new StaticTokenCredential(), ca: stack.emulator.ca });
    await clients.resources(SPOKE).resources.beginMoveResourcesAndWait("rg-batch", { resources: [BATCH], targetResourceGroup: `/subscriptions/${SPOKE}/resourceGroups/rg-data` }, { updateIntervalInMs: 5 });
    capturing = true;
    stack.emulator.control.deletePrivateEndpoint(orphan.id);
    await stack.settle();
    await stack.run("all");
  }, 120_000);

  afterAll(async () => {
    unsubscribe("http.client.request.start", onRequest);
    await stack.close();
  });

  it("were captured, approvals, rejections, record writes and deletes among them (the test sees the app's traffic)", () => {
    const actions = new Set(requests.map((r) => armActionOf(r.method, r.path).toLowerCase()));
    for (const expected of [
      "Microsoft.Batch/batchAccounts/privateEndpointConnections/write",
      "Microsoft.Storage/storageAccounts/privateEndpointConnections/write",
      "Microsoft.Network/privateDnsZones/A/write",
      "Microsoft.Network/privateDnsZones/CNAME/write",
      "Microsoft.Network/privateDnsZones/A/delete",
      "Microsoft.Network/privateEndpoints/read",
      "Microsoft.Batch/batchAccounts/privateEndpointConnections/delete",
    ]) {
      expect(actions, expected).toContain(expected.toLowerCase());
    }
  });

  it("are each allowed by the role granted where the request goes (DNS zones: DNS writer; the rest: approver)", () => {
    const denied = requests
      .filter((r) => !EMULATOR_STATUS_URL.test(r.path))
      .map((r) => ({ ...r, action: armActionOf(r.method, r.path) }))
      .filter(({ action }) => !(action.toLowerCase().startsWith("microsoft.network/privatednszones/") ? dnsWriter : approver).has(action.toLowerCase()))
      .map(({ method, path, action }) => `${method} ${path.split("?")[0]} needs ${action}`);
    expect([...new Set(denied)]).toEqual([]);
  });

  it("poll a long-running write only for providers whose status reads the approver grants", () => {
    const polled = new Set(requests.flatMap((r) => EMULATOR_STATUS_URL.exec(r.path)?.[1]?.toLowerCase() ?? []));
    expect(polled.size, "the Batch approval is long-running in the emulator").toBeGreaterThan(0);
    for (const namespace of polled) {
      const granted = Object.entries(CONNECTION_WRITE_STATUS_ACTIONS).filter(([type]) => type.toLowerCase().startsWith(`${namespace}/`)).flatMap(([, actions]) => actions);
      expect(granted, namespace).not.toEqual([]);
      for (const action of granted) expect(approver, action).toContain(action.toLowerCase());
    }
  });
});

/** Status URLs as the providers' REST specs and Azure's AuthorizationFailed messages show them. */
const AZURE_STATUS_URLS: Record<string, string> = {
  "Microsoft.Batch/batchAccounts": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Batch/batchAccounts/acct/privateEndpointConnectionResults/op-1",
  "Microsoft.KeyVault/vaults": "/subscriptions/s/providers/Microsoft.KeyVault/locations/westus/operationResults/op-1",
  "Microsoft.Sql/servers": "/subscriptions/s/providers/Microsoft.Sql/locations/westus/privateEndpointConnectionAzureAsyncOperation/op-1",
  "Microsoft.ContainerRegistry/registries": "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r/privateEndpointConnections/pec/operationStatuses/op-1",
  "Microsoft.Web/sites": "/subscriptions/s/providers/Microsoft.Web/locations/westeurope/operationResults/op-1",
  "Microsoft.EventHub/namespaces": "/subscriptions/s/resourceGroups/g/providers/Microsoft.EventHub/namespaces/n/privateEndpointConnections/pec/operationstatus/op-1",
  "Microsoft.CognitiveServices/accounts": "/subscriptions/s/providers/Microsoft.CognitiveServices/locations/westus/operationResults/op-1",
};

describe("Azure's status URLs for long-running connection writes", () => {
  it.each(Object.entries(AZURE_STATUS_URLS))("%s: the poll's action is granted to the approver", (type, url) => {
    const action = armActionOf("GET", url);
    expect(CONNECTION_WRITE_STATUS_ACTIONS[type]).toContain(action);
    expect(approver).toContain(action.toLowerCase());
  });
});

describe("armActionOf", () => {
  it("derives ARM's action from a request's method and path", () => {
    expect(armActionOf("GET", "/subscriptions/s/providers/Microsoft.Network/privateEndpoints?api-version=1")).toBe("Microsoft.Network/privateEndpoints/read");
    expect(armActionOf("PUT", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/privateDnsZones/z.net/A/www")).toBe("Microsoft.Network/privateDnsZones/A/write");
    expect(armActionOf("DELETE", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/privateDnsZones/z.net/CNAME/x")).toBe("Microsoft.Network/privateDnsZones/CNAME/delete");
    expect(armActionOf("GET", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/privateDnsZones/z.net/ALL")).toBe("Microsoft.Network/privateDnsZones/ALL/read");
    expect(armActionOf("PATCH", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Batch/batchAccounts/a/privateEndpointConnections/c")).toBe("Microsoft.Batch/batchAccounts/privateEndpointConnections/write");
    expect(armActionOf("GET", "/providers/Microsoft.Management/managementGroups/mg/descendants")).toBe("Microsoft.Management/managementGroups/descendants/read");
    expect(armActionOf("POST", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Batch/batchAccounts/a/listKeys")).toBe("Microsoft.Batch/batchAccounts/listKeys/action");
  });
});
