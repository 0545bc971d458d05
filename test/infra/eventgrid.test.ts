import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyEvent, SUBSCRIBED_EVENT_TYPES } from "../../shared/events";
import { bicepParams, INFRA_DIR, readBicep } from "./bicepText";

interface AdvancedFilter {
  operatorType: string;
  key: string;
  values: string[];
}
const filters = JSON.parse(readFileSync(resolve(INFRA_DIR, "eventgrid.filters.json"), "utf8")) as {
  includedEventTypes: string[];
  advancedFilters: AdvancedFilter[];
  endpointNicAdvancedFilters: AdvancedFilter[];
};

/** The two event subscriptions eventGridTopic.bicep creates on each topic, as Event Grid sees them. */
const SUBSCRIPTIONS = [
  { includedEventTypes: filters.includedEventTypes, advancedFilters: filters.advancedFilters },
  { includedEventTypes: filters.includedEventTypes, advancedFilters: filters.endpointNicAdvancedFilters },
];

/** Event Grid's evaluation of one subscription: type listed, and every advanced filter holds (string operators ignore case). */
function matches(subscription: (typeof SUBSCRIPTIONS)[number], eventType: string, data: Record<string, unknown>): boolean {
  if (!subscription.includedEventTypes.some((t) => t.toLowerCase() === eventType.toLowerCase())) return false;
  return subscription.advancedFilters.every((f) => {
    const field = f.key.replace(/^data\./, "");
    const value = String(data[field] ?? "").toLowerCase();
    switch (f.operatorType) {
      case "StringContains":
        return f.values.some((v) => value.includes(v.toLowerCase()));
      case "StringEndsWith":
        return f.values.some((v) => value.endsWith(v.toLowerCase()));
      case "StringIn":
        return f.values.some((v) => value === v.toLowerCase());
      default:
        throw new RangeError(`the test does not evaluate ${f.operatorType}; extend matches()`);
    }
  });
}

/** Delivered when either subscription matches. */
function delivered(eventType: string, data: Record<string, unknown>): boolean {
  return SUBSCRIPTIONS.some((subscription) => matches(subscription, eventType, data));
}

/**
 * `<Ns>/<type>/privateEndpointConnectionsApproval/action` is the permission an endpoint's creator needs
 * for automatic approval, checked inside the endpoint's write: no ARM request has that path, so no
 * event carries it (an approval arrives as `.../privateEndpointConnections/write`). The classifier
 * accepting it does no harm; the filter need not pass it.
 */
const NOT_AN_EVENT = /\/privateEndpointConnectionsApproval\/action$/i;

/** Azure names an endpoint's NIC `<endpoint>.nic.<guid>`; NICs named otherwise reach the app through their endpoint's own events and the sweep. */
const ENDPOINT_NIC_NAME = /\/networkInterfaces\/[^/]+\.nic\.[^/]+$/i;

const SUB = "0b6f3f3e-1c2d-4e5f-8a9b-c0d1e2f3a4b5";
const scope = { subscriptionIds: [SUB, "8f3c2a1e-5b4d-4c6e-9a7f-0123456789ab"] };

function event(eventType: string, operationName: string, resourceUri: string) {
  return { id: "1", eventType, subject: resourceUri, eventTime: "2026-03-02T09:20:11Z", dataVersion: "2", metadataVersion: "1", topic: `/subscriptions/${SUB}`, data: { operationName, resourceUri, status: "Succeeded" } };
}

describe("infra/eventgrid.filters.json", () => {
  it("subscribes to exactly the event types the classifier starts runs for", () => {
    expect(filters.includedEventTypes).toEqual([...SUBSCRIBED_EVENT_TYPES]);
  });

  it("stays within Event Grid's advanced filter limits (25 filters, 25 values in all, 512 characters each)", () => {
    for (const { advancedFilters } of SUBSCRIPTIONS) {
      expect(advancedFilters.length).toBeLessThanOrEqual(25);
      expect(advancedFilters.flatMap((f) => f.values).length).toBeLessThanOrEqual(25);
      expect(advancedFilters.flatMap((f) => f.values).filter((v) => v.length > 512)).toEqual([]);
    }
  });

  it("delivers every fixture event that the classifier turns into a run", () => {
    const dir = resolve(__dirname, "..", "fixtures", "events");
    let accepted = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("SubscriptionValidation"))) {
      const parsed = JSON.parse(readFileSync(resolve(dir, file), "utf8")) as unknown;
      for (const item of (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[]) {
        const data = item["data"] as Record<string, unknown>;
        const subscriptionId = String(data["subscriptionId"] ?? SUB);
        let result;
        try {
          result = classifyEvent(item, { subscriptionIds: [subscriptionId] });
        } catch {
          continue; // placeholders in the doc samples are not valid ids
        }
        if (result.kind === "ignored" || NOT_AN_EVENT.test(String(data["operationName"]))) continue;
        accepted++;
        expect(delivered(String(item["eventType"] ?? item["type"]), data), file).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThanOrEqual(5);
  });

  it("never filters out an event the classifier would act on", () => {
    const segment = fc.constantFrom("privateEndpoints", "networkInterfaces", "storageAccounts", "batchAccounts", "vaults", "virtualMachines", "privateDnsZones", "workspaces");
    const child = fc.constantFrom("privateEndpointConnections", "privateEndpointConnectionsApproval", "privateEndpointConnectionProxies", "privateDnsZoneGroups", "blobServices", "A", "extensions", "validate");
    const verb = fc.constantFrom("write", "delete", "action", "read");
    const recase = (s: string, upper: boolean) => (upper ? s.toUpperCase() : s);
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom("Microsoft.Network", "Microsoft.Storage", "Microsoft.Batch", "Microsoft.KeyVault", "Microsoft.Compute", "Microsoft.MachineLearningServices"),
        segment,
        fc.array(child, { maxLength: 2 }),
        verb,
        fc.constantFrom(...SUBSCRIBED_EVENT_TYPES, "Microsoft.Resources.ResourceWriteFailure", "Microsoft.Resources.ResourceActionCancel"),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        fc.constantFrom("name-1", "pe-data.nic.2b9c1f0e-7d4a-4c3e-9f1a-0a1b2c3d4e5f"),
        (namespace, type, children, action, eventType, uriDepth, upper, name) => {
          const operationName = recase([namespace, type, ...children, action].join("/"), upper);
          const path = [type, ...children.slice(0, uriDepth)].map((s) => `${s}/${name}`).join("/");
          const resourceUri = `/subscriptions/${SUB}/resourceGroups/rg/providers/${namespace}/${path}`;
          const result = classifyEvent(event(eventType, operationName, resourceUri), scope);
          if (result.kind === "ignored" || NOT_AN_EVENT.test(operationName)) return;
          if (/\/networkInterfaces\/write$/i.test(operationName) && !ENDPOINT_NIC_NAME.test(resourceUri)) return;
          accepted++;
          expect(delivered(eventType, { operationName, resourceUri }), `${eventType} ${operationName} ${resourceUri}`).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
    // The generator must reach the operations that matter, or the property proves nothing.
    expect(accepted).toBeGreaterThan(100);
  });

  it("keeps out the busy operations the app has no use for, our own DNS writes among them", () => {
    for (const operationName of [
      "Microsoft.Compute/virtualMachines/write",
      "Microsoft.Storage/storageAccounts/write",
      "Microsoft.Network/virtualNetworks/subnets/write",
      "Microsoft.Network/privateDnsZones/A/write",
      "Microsoft.Network/privateDnsZones/CNAME/delete",
      "Microsoft.Resources/deployments/write",
      "Microsoft.Storage/storageAccounts/privateEndpointConnectionsApproval/action",
    ]) {
      expect(delivered("Microsoft.Resources.ResourceWriteSuccess", { operationName }), operationName).toBe(false);
      expect(delivered("Microsoft.Resources.ResourceActionSuccess", { operationName }), operationName).toBe(false);
    }
  });

  it("delivers NIC writes only for NICs named like a private endpoint's, not a VM's", () => {
    const nic = (name: string) => ({ operationName: "Microsoft.Network/networkInterfaces/write", resourceUri: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/${name}` });
    expect(delivered("Microsoft.Resources.ResourceWriteSuccess", nic("pe-blob.nic.4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"))).toBe(true);
    expect(delivered("Microsoft.Resources.ResourceWriteSuccess", nic("vm-web-01-nic"))).toBe(false);
    expect(delivered("Microsoft.Resources.ResourceWriteSuccess", { ...nic("pe-blob.nic.4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"), operationName: "Microsoft.Network/networkInterfaces/delete" })).toBe(false);
  });
});

describe("infra/eventgrid.bicep", () => {
  const eventgrid = readBicep("eventgrid.bicep");
  const topic = readBicep("app/eventGridTopic.bicep");

  it("points the webhook at the Event Grid trigger the app registers", () => {
    const trigger = /functionName=(\w+)&code=/.exec(eventgrid)?.[1];
    const registration = readFileSync(resolve(INFRA_DIR, "..", "functions", `${trigger ?? "missing"}.ts`), "utf8");
    expect(registration).toContain(`app.eventGrid("${trigger ?? ""}"`);
    expect(eventgrid).toContain("/runtime/webhooks/eventgrid?functionName=");
  });

  it("takes the filters from eventgrid.filters.json and applies them to the two event subscriptions", () => {
    expect(eventgrid).toMatch(/var filters = loadJsonContent\('eventgrid.filters.json'\)/);
    expect(eventgrid).toMatch(/includedEventTypes: filters\.includedEventTypes/);
    expect(eventgrid).toMatch(/advancedFilters: filters\.advancedFilters/);
    expect(eventgrid).toMatch(/endpointNicAdvancedFilters: filters\.endpointNicAdvancedFilters/);
    expect(topic).toMatch(/name: eventSubscriptionName\s+includedEventTypes: includedEventTypes\s+advancedFilters: advancedFilters/);
    expect(topic).toMatch(/name: '\$\{eventSubscriptionName\}-nic'\s+includedEventTypes: includedEventTypes\s+advancedFilters: endpointNicAdvancedFilters/);
    expect(topic).toMatch(/filter: \{\s+includedEventTypes: sub\.includedEventTypes\s+advancedFilters: sub\.advancedFilters/);
  });

  it("subscribes on the Azure Subscriptions system topic of the module's subscription, creating it only when asked", () => {
    expect(topic).toMatch(/source: subscription\(\)\.id\s+topicType: 'Microsoft\.Resources\.Subscriptions'/);
    expect(topic).toMatch(/location: 'global'/);
    expect(topic).toMatch(/resource createdTopic 'Microsoft\.EventGrid\/systemTopics@[\w-]+' = if \(createTopic\)/);
    expect(topic).toMatch(/resource systemTopic 'Microsoft\.EventGrid\/systemTopics@[\w-]+' existing/);
    expect(topic).toMatch(/parent: systemTopic/);
  });

  it("dead-letters to blob storage through Event Grid's identity (a global topic can have none) and bounds retries", () => {
    expect(topic).toMatch(/deadLetterDestination: \{\s+endpointType: 'StorageBlob'/);
    expect(topic).not.toMatch(/^\s+identity:/m);
    expect(topic).not.toMatch(/WithResourceIdentity:/);
    const defaults = Object.fromEntries(bicepParams(eventgrid).map((p) => [p.name, p.defaultText]));
    expect(Number(defaults["maxDeliveryAttempts"])).toBeLessThanOrEqual(30);
    expect(Number(defaults["eventTimeToLiveInMinutes"])).toBeLessThanOrEqual(1440);
  });

  it("keeps the webhook URL, which carries a key, in secure parameters only", () => {
    for (const file of ["app/eventGridSubscription.bicep", "app/eventGridTopic.bicep"]) {
      const endpoint = bicepParams(readBicep(file)).find((p) => p.name === "endpointUrl");
      expect(endpoint?.decorators, file).toContain("@secure()");
    }
  });
});
