import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventGridDeserializer } from "@azure/eventgrid";
import { classifyEvent, SUBSCRIBED_EVENT_TYPES } from "../../shared/events";
import { sameResourceId } from "../../shared/resourceId";

const FIXTURES = join(__dirname, "..", "fixtures", "events");
const APP_SUB = "8f3c2a1e-5b4d-4c6e-9a7f-0123456789ab";
const PLATFORM_SUB = "0b6f3f3e-1c2d-4e5f-8a9b-c0d1e2f3a4b5";
const SCOPE = { subscriptionIds: [APP_SUB, PLATFORM_SUB] };
const PE = `/subscriptions/${APP_SUB}/resourceGroups/rg-app-network/providers/Microsoft.Network/privateEndpoints/pe-batch-prod`;
const NIC = `/subscriptions/${APP_SUB}/resourceGroups/rg-app-network/providers/Microsoft.Network/networkInterfaces/pe-batch-prod.nic.3f1a2b4c-5d6e-4f70-8a91-b2c3d4e5f607`;
const BATCH = `/subscriptions/${PLATFORM_SUB}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/contosobatch`;
const STORAGE = `/subscriptions/${PLATFORM_SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/contosodata`;
const VAULT = `/subscriptions/${PLATFORM_SUB}/resourceGroups/rg-secrets/providers/Microsoft.KeyVault/vaults/kv-contoso`;
const WORKSPACE = `/subscriptions/${PLATFORM_SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw-contoso`;

type Json = Record<string, unknown>;

function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

function fixture(name: string): Json[] {
  return JSON.parse(fixtureText(name)) as Json[];
}

function only(name: string): Json {
  const [event] = fixture(name);
  if (event === undefined) throw new Error(`${name} holds no event`);
  return event;
}

/** An Event Grid schema ARM event with the given operation; `overrides` replace envelope fields. */
function gridEvent(operationName: string, resourceUri: string, overrides: Json = {}): Json {
  return {
    id: "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f",
    topic: `/subscriptions/${APP_SUB}`,
    subject: resourceUri,
    eventType: "Microsoft.Resources.ResourceWriteSuccess",
    eventTime: "2026-03-02T09:15:27.1234567Z",
    data: { operationName, resourceUri, status: "Succeeded", subscriptionId: APP_SUB },
    dataVersion: "2",
    metadataVersion: "1",
    ...overrides,
  };
}

/** The same event as a CloudEvent 1.0. */
function cloudEvent(operationName: string, resourceUri: string, overrides: Json = {}): Json {
  return {
    id: "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f",
    source: `/subscriptions/${APP_SUB}`,
    subject: resourceUri,
    type: "Microsoft.Resources.ResourceWriteSuccess",
    time: "2026-03-02T09:15:27.1234567Z",
    data: { operationName, resourceUri, status: "Succeeded" },
    specversion: "1.0",
    ...overrides,
  };
}

function withData(event: Json, data: Json): Json {
  return { ...event, data: { ...(event.data as Json), ...data } };
}

describe("classifyEvent with the documented ARM samples", () => {
  it.each([
    ["ResourceWriteSuccess.eventgrid-schema.json", "Microsoft.Storage/storageAccounts/write does not concern Private Link"],
    ["ResourceWriteSuccess.cloudevents-schema.json", "Microsoft.Storage/storageAccounts/write does not concern Private Link"],
    ["ResourceDeleteSuccess.eventgrid-schema.json", "Microsoft.Storage/storageAccounts/delete does not concern Private Link"],
    ["ResourceActionSuccess.eventgrid-schema.json", "Microsoft.EventHub/namespaces/AuthorizationRules/listKeys/action does not concern Private Link"],
  ])("ignores %s, which is no Private Link operation", (name, reason) => {
    expect(classifyEvent(only(name), SCOPE)).toEqual({ kind: "ignored", reason });
  });

  it("ignores the subscription validation event", () => {
    const result = classifyEvent(only("SubscriptionValidationEvent.eventgrid-schema.json"), SCOPE);
    expect(result.kind).toBe("ignored");
    expect(result.reason).toContain("handshake");
  });
});

describe("classifyEvent with Private Link events", () => {
  it.each([
    ["PrivateEndpointWrite.eventgrid-schema.json", { kind: "endpoint", id: PE, reason: "Microsoft.Network/privateEndpoints/write succeeded" }],
    ["PrivateEndpointWrite.cloudevents-schema.json", { kind: "endpoint", id: PE, reason: "Microsoft.Network/privateEndpoints/write succeeded" }],
    ["PrivateEndpointDelete.cloudevents-schema.json", { kind: "endpoint", id: PE, reason: "Microsoft.Network/privateEndpoints/delete succeeded" }],
    [
      "PrivateDnsZoneGroupWrite.eventgrid-schema.json",
      { kind: "endpoint", id: PE, reason: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write succeeded" },
    ],
    ["NetworkInterfaceWrite.eventgrid-schema.json", { kind: "networkInterface", id: NIC, reason: "Microsoft.Network/networkInterfaces/write succeeded" }],
    [
      "BatchPrivateEndpointConnectionWrite.eventgrid-schema.json",
      { kind: "resource", id: BATCH, reason: "Microsoft.Batch/batchAccounts/privateEndpointConnections/write succeeded" },
    ],
    [
      "StorageConnectionsApproval.cloudevents-schema.json",
      { kind: "resource", id: STORAGE, reason: "Microsoft.Storage/storageAccounts/privateEndpointConnectionsApproval/action succeeded" },
    ],
    [
      "KeyVaultConnectionProxyValidate.eventgrid-schema.json",
      { kind: "resource", id: VAULT, reason: "Microsoft.KeyVault/vaults/privateEndpointConnectionProxies/validate/action succeeded" },
    ],
    [
      "MachineLearningConnectionDelete.cloudevents-schema.json",
      { kind: "resource", id: WORKSPACE, reason: "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections/delete succeeded" },
    ],
  ])("turns %s into a request for the key it names", (name, request) => {
    expect(classifyEvent(only(name), SCOPE)).toEqual(request);
  });

  it("ignores a failed write and says so", () => {
    const result = classifyEvent(only("PrivateEndpointWriteFailure.eventgrid-schema.json"), SCOPE);
    expect(result).toEqual({ kind: "ignored", reason: expect.stringContaining("Microsoft.Network/privateEndpoints/write failed") });
  });

  it.each(["Microsoft.Resources.ResourceDeleteCancel", "Microsoft.Resources.ResourceActionCancel", "Microsoft.Resources.ResourceWriteCancel"])(
    "ignores %s",
    (eventType) => {
      const result = classifyEvent(gridEvent("Microsoft.Network/privateEndpoints/delete", PE, { eventType }), SCOPE);
      expect(result).toEqual({ kind: "ignored", reason: expect.stringContaining("was canceled") });
    },
  );

  it.each(["Microsoft.Resources.ResourceDeleteFailure", "Microsoft.Resources.ResourceActionFailure"])("ignores %s", (eventType) => {
    const result = classifyEvent(gridEvent("Microsoft.Batch/batchAccounts/privateEndpointConnections/delete", `${BATCH}/privateEndpointConnections/c`, { eventType }), SCOPE);
    expect(result.kind).toBe("ignored");
    expect(result.reason).toContain("failed");
  });

  it("ignores other event types", () => {
    const result = classifyEvent(gridEvent("Microsoft.Network/privateEndpoints/write", PE, { eventType: "Microsoft.Storage.BlobCreated" }), SCOPE);
    expect(result).toEqual({ kind: "ignored", reason: "event type Microsoft.Storage.BlobCreated is not an ARM resource event" });
  });

  it("ignores a resource outside the scope and names its subscription", () => {
    const result = classifyEvent(only("PrivateEndpointWrite.eventgrid-schema.json"), { subscriptionIds: [PLATFORM_SUB] });
    expect(result).toEqual({ kind: "ignored", reason: `${PE} is outside the scope: subscription ${APP_SUB} is not in scope`, outOfScope: true });
    expect(classifyEvent(only("BatchPrivateEndpointConnectionWrite.eventgrid-schema.json"), { subscriptionIds: [] }).kind).toBe("ignored");
  });

  it("compares operation names and event types case-insensitively", () => {
    const event = gridEvent("MICROSOFT.NETWORK/PRIVATEENDPOINTS/WRITE", PE.toLowerCase(), { eventType: "microsoft.resources.resourcewritesuccess" });
    const result = classifyEvent(event, SCOPE);
    expect(result).toMatchObject({ kind: "endpoint", reason: "MICROSOFT.NETWORK/PRIVATEENDPOINTS/WRITE succeeded" });
    expect(result.kind !== "ignored" && sameResourceId(result.id, PE)).toBe(true);
    const pec = gridEvent("microsoft.batch/BATCHACCOUNTS/PrivateEndpointConnections/Delete", `${BATCH}/privateEndpointConnections/c1`);
    expect(classifyEvent(pec, SCOPE)).toMatchObject({ kind: "resource", id: BATCH });
  });

  it("writes the id with canonical keywords", () => {
    const uri = `/SUBSCRIPTIONS/${APP_SUB}/RESOURCEGROUPS/rg-app-network/PROVIDERS/Microsoft.Network/privateEndpoints/pe-batch-prod/`;
    expect(classifyEvent(gridEvent("Microsoft.Network/privateEndpoints/write", uri), SCOPE)).toMatchObject({ id: PE });
  });

  it("handles connections on nested and network-owned resources", () => {
    const slot = `/subscriptions/${PLATFORM_SUB}/resourceGroups/rg-web/providers/Microsoft.Web/sites/app/slots/staging`;
    expect(classifyEvent(gridEvent("Microsoft.Web/sites/slots/privateEndpointConnections/write", `${slot}/privateEndpointConnections/c`), SCOPE)).toMatchObject({
      kind: "resource",
      id: slot,
    });
    const pls = `/subscriptions/${PLATFORM_SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateLinkServices/pls-api`;
    expect(classifyEvent(gridEvent("Microsoft.Network/privateLinkServices/privateEndpointConnections/delete", `${pls}/privateEndpointConnections/c`), SCOPE)).toMatchObject({
      kind: "resource",
      id: pls,
    });
  });

  it("handles every operation on connection proxies, but only write and delete on connections", () => {
    for (const verb of ["write", "delete", "validate/action", "updatePrivateEndpointProperties/action"]) {
      const event = gridEvent(`Microsoft.KeyVault/vaults/privateEndpointConnectionProxies/${verb}`, `${VAULT}/privateEndpointConnectionProxies/p`);
      expect(classifyEvent(event, SCOPE)).toMatchObject({ kind: "resource", id: VAULT });
    }
    for (const op of [
      "Microsoft.KeyVault/vaults/privateEndpointConnections/read",
      "Microsoft.KeyVault/vaults/privateEndpointConnections/foo/write",
      "Microsoft.Storage/storageAccounts/privateEndpointConnectionsApproval/write",
      "Microsoft.KeyVault/vaults/privateEndpointConnectionProxies",
      "Microsoft.KeyVault/privateEndpointConnections/write",
      "Microsoft.Network/privateEndpoints/read",
      "Microsoft.Network/networkInterfaces/delete",
      "Microsoft.Network/privateDnsZones/A/write",
    ]) {
      const result = classifyEvent(gridEvent(op, `${VAULT}/privateEndpointConnections/c`), SCOPE);
      expect(result).toEqual({ kind: "ignored", reason: `${op} does not concern Private Link` });
    }
  });

  it("ignores an event whose resourceUri is not of the type its operation acts on", () => {
    const cases: [string, string][] = [
      ["Microsoft.Network/privateEndpoints/write", BATCH],
      ["Microsoft.Network/privateEndpoints/write", `${PE}/privateDnsZoneGroups/default`],
      ["Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write", PE],
      ["Microsoft.Network/networkInterfaces/write", PE],
      ["Microsoft.Batch/batchAccounts/privateEndpointConnections/write", VAULT],
      ["Microsoft.Batch/batchAccounts/privateEndpointConnections/write", `/subscriptions/${PLATFORM_SUB}/resourceGroups/rg-batch`],
    ];
    for (const [op, uri] of cases) {
      const result = classifyEvent(gridEvent(op, uri), SCOPE);
      expect(result.kind).toBe("ignored");
      expect(result.reason).toContain(`resourceUri ${uri} is not a`);
    }
  });

  it("falls back to the subject when data has no resourceUri", () => {
    const event = gridEvent("Microsoft.Network/privateEndpoints/delete", PE);
    delete (event.data as Json).resourceUri;
    expect(classifyEvent(event, SCOPE)).toMatchObject({ kind: "endpoint", id: PE });
  });

  it("gives the same answer for both schemas", () => {
    for (const [grid, cloud] of [
      ["PrivateEndpointWrite.eventgrid-schema.json", "PrivateEndpointWrite.cloudevents-schema.json"],
      ["ResourceWriteSuccess.eventgrid-schema.json", "ResourceWriteSuccess.cloudevents-schema.json"],
    ] as const) {
      expect(classifyEvent(only(cloud), SCOPE)).toEqual(classifyEvent(only(grid), SCOPE));
    }
  });

  it("classifies every subscribed event type as a change to look at", () => {
    for (const type of SUBSCRIBED_EVENT_TYPES) {
      expect(classifyEvent(cloudEvent("Microsoft.Network/privateEndpoints/write", PE, { type }), SCOPE).kind).toBe("endpoint");
    }
  });
});

describe("classifyEvent with malformed events", () => {
  const pe = (overrides: Json = {}) => gridEvent("Microsoft.Network/privateEndpoints/write", PE, overrides);
  const ce = (overrides: Json = {}) => cloudEvent("Microsoft.Network/privateEndpoints/write", PE, overrides);

  it.each<[string, unknown, string]>([
    ["null", null, "event: expected an Event Grid schema or CloudEvents 1.0 event object, got null"],
    ["a string", "event", 'got "event"'],
    ["an array", [pe()], "got an array"],
    ["no eventType nor type", { id: "1", data: {} }, "event.eventType: expected a string (Event Grid schema) or event.type (CloudEvents 1.0), got neither"],
    ["a numeric eventType", pe({ eventType: 7 }), "event.eventType: expected a non-empty string, got 7"],
    ["an empty type", ce({ type: "" }), 'event.type: expected a non-empty string, got ""'],
    ["no id", pe({ id: undefined }), "event.id: expected a non-empty string, got nothing"],
    ["no subject (Event Grid schema)", pe({ subject: undefined }), "event.subject"],
    ["no eventTime", pe({ eventTime: undefined }), "event.eventTime"],
    ["a numeric time (CloudEvents)", ce({ time: 1700000000 }), "event.time: expected a string when present, got 1700000000"],
    ["a boolean subject (CloudEvents)", ce({ subject: true }), "event.subject"],
    ["an object topic", pe({ topic: {} }), "event.topic: expected a string when present, got an object"],
    ["metadataVersion 2", pe({ metadataVersion: "2" }), 'event.metadataVersion: expected "1" (Event Grid schema), got "2"'],
    ["specversion 0.3", ce({ specversion: "0.3" }), 'event.specversion: expected "1.0" (CloudEvents 1.0), got "0.3"'],
    ["no data", pe({ data: undefined }), "event.data: expected an object with operationName and resourceUri, got nothing"],
    ["binary data", ce({ data: new Uint8Array([1]) }), "got binary data"],
    ["no operationName", withData(pe(), { operationName: undefined }), "event.data.operationName: expected a non-empty string, got nothing"],
    ["a numeric resourceUri", withData(pe(), { resourceUri: 5 }), "event.data.resourceUri: expected a non-empty string, got 5"],
    ["no resourceUri nor subject", withData(pe({ subject: "" }), { resourceUri: undefined }), "event.data.resourceUri"],
    ["a numeric status", withData(pe(), { status: 200 }), "event.data.status: expected a string when present, got 200"],
    ["a resourceUri that is no ARM id", withData(pe(), { resourceUri: "/subscriptions/{subscription-id}/x" }), 'event.data.resourceUri: expected an ARM resource id, got "/subscriptions/{subscription-id}/x" (subscription "{subscription-id}" is not a GUID)'],
    ["a function", () => undefined, "got a function"],
  ])("throws a TypeError for %s", (_what, event, message) => {
    expect(() => classifyEvent(event, SCOPE)).toThrow(TypeError);
    expect(() => classifyEvent(event, SCOPE)).toThrow(message);
  });

  it("keeps the parse error as the cause of a bad resourceUri", () => {
    try {
      classifyEvent(withData(pe(), { resourceUri: "nope" }), SCOPE);
      expect.unreachable();
    } catch (error) {
      expect((error as TypeError).cause).toBeInstanceOf(TypeError);
    }
  });

  it("shortens long values in messages", () => {
    expect(() => classifyEvent(withData(pe(), { resourceUri: `/x${"y".repeat(200)}` }), SCOPE)).toThrow(/"\/xy+\.\.\."/);
  });

  it("does not look at the resourceUri of an operation it ignores", () => {
    expect(classifyEvent(withData(pe(), { operationName: "Microsoft.Storage/storageAccounts/write", resourceUri: "not an id" }), SCOPE).kind).toBe("ignored");
  });
});

describe("classifyEvent properties", () => {
  const operations = fc.constantFrom(
    "Microsoft.Network/privateEndpoints/write",
    "Microsoft.Network/privateEndpoints/delete",
    "Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write",
    "Microsoft.Network/networkInterfaces/write",
    "Microsoft.Batch/batchAccounts/privateEndpointConnections/write",
    "Microsoft.Storage/storageAccounts/privateEndpointConnectionsApproval/action",
    "Microsoft.KeyVault/vaults/privateEndpointConnectionProxies/validate/action",
    "Microsoft.Storage/storageAccounts/write",
  );
  const uris = fc.constantFrom(PE, `${PE}/privateDnsZoneGroups/default`, NIC, BATCH, `${BATCH}/privateEndpointConnections/c`, STORAGE, "", "/subscriptions/x", "garbage");
  const field = fc.oneof(fc.string(), fc.constant(undefined), fc.constant(null), fc.integer(), fc.boolean(), fc.object(), fc.array(fc.string()));
  const keys = fc.constantFrom("id", "eventType", "type", "subject", "eventTime", "time", "topic", "source", "specversion", "metadataVersion", "data");
  const dataKeys = fc.constantFrom("operationName", "resourceUri", "status", "tenantId");
  const events = fc
    .tuple(fc.boolean(), operations, uris, fc.array(fc.tuple(keys, field), { maxLength: 3 }), fc.array(fc.tuple(dataKeys, field), { maxLength: 2 }))
    .map(([grid, op, uri, mutations, dataMutations]) => {
      const base = grid ? gridEvent(op, uri) : cloudEvent(op, uri);
      const data: Json = { ...(base.data as Json) };
      for (const [k, v] of dataMutations) data[k] = v;
      const event: Json = { ...base, data };
      for (const [k, v] of mutations) event[k] = v;
      return event;
    });
  const scopes = fc.constantFrom(SCOPE, { subscriptionIds: [] }, { subscriptionIds: [APP_SUB.toUpperCase()] });

  it("never throws anything but a TypeError, and answers the same input the same way", () => {
    fc.assert(
      fc.property(fc.oneof(events, fc.anything()), scopes, (event, scope) => {
        const run = () => {
          try {
            return classifyEvent(event, scope);
          } catch (error) {
            expect(error).toBeInstanceOf(TypeError);
            return (error as TypeError).message;
          }
        };
        expect(run()).toEqual(run());
      }),
      { numRuns: 500 },
    );
  });

  it("asks for the PaaS resource above any connection, whatever the provider", () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,11}$/);
    fc.assert(
      fc.property(name, name, name, name, fc.constantFrom("write", "delete"), (ns, type, resource, connection, verb) => {
        const id = `/subscriptions/${PLATFORM_SUB}/resourceGroups/rg/providers/Contoso.${ns}/${type}/${resource}`;
        const event = gridEvent(`Contoso.${ns}/${type}/privateEndpointConnections/${verb}`, `${id}/privateEndpointConnections/${connection}`);
        expect(classifyEvent(event, SCOPE)).toEqual({ kind: "resource", id, reason: `Contoso.${ns}/${type}/privateEndpointConnections/${verb} succeeded` });
      }),
      { numRuns: 100 },
    );
  });
});

describe("the event fixtures", () => {
  it("are valid events to the Event Grid SDK's own deserializer, in either schema", async () => {
    const deserializer = new EventGridDeserializer();
    const files = readdirSync(FIXTURES).filter((f) => /\.(eventgrid|cloudevents)-schema\.json$/.test(f));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = fixtureText(file);
      const events = file.includes(".cloudevents-") ? await deserializer.deserializeCloudEvents(text) : await deserializer.deserializeEventGridEvents(text);
      expect(events.length, file).toBeGreaterThan(0);
    }
  });
});
