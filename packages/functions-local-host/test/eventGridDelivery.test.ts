import { describe, expect, it } from "vitest";
import { DeliveryTooLargeError, MAX_EVENT_BYTES, parseEventGridDelivery } from "../src/eventGridDelivery";

// Shapes follow the Event Grid / ARM samples in the shared reference (Event Grid schema and CloudEvents 1.0).
const writeSuccess = {
  subject: "/subscriptions/sub/resourcegroups/rg/providers/Microsoft.Network/privateEndpoints/pe1",
  eventType: "Microsoft.Resources.ResourceWriteSuccess",
  eventTime: "2018-07-19T18:38:04.6117357Z",
  id: "4db48cba-50a2-455a-93b4-de41a3b5b7f6",
  data: { status: "Succeeded", operationName: "Microsoft.Network/privateEndpoints/write" },
  dataVersion: "2",
  metadataVersion: "1",
  topic: "/subscriptions/sub",
};
const validation = {
  id: "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66",
  topic: "/subscriptions/xx/resourceGroups/yy/providers/Microsoft.EventGrid/topics/t",
  subject: "",
  data: { validationCode: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", validationUrl: "https://rp-eastus2.eventgrid.azure.net:553/..." },
  eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
  eventTime: "2018-01-25T22:12:19.4556811Z",
  metadataVersion: "1",
  dataVersion: "1",
};
const cloudWrite = {
  source: "/subscriptions/sub/resourceGroups/rg",
  subject: writeSuccess.subject,
  type: "Microsoft.Resources.ResourceWriteSuccess",
  time: "2018-07-19T18:38:04.6117357Z",
  id: "4db48cba-50a2-455a-93b4-de41a3b5b7f7",
  data: writeSuccess.data,
  specversion: "1.0",
};

describe("parseEventGridDelivery", () => {
  it("recognises the validation handshake by header or by event type", () => {
    expect(parseEventGridDelivery(JSON.stringify([validation]), "SubscriptionValidation")).toEqual({ kind: "validation", validationCode: validation.data.validationCode });
    expect(parseEventGridDelivery(JSON.stringify([validation]), undefined)).toEqual({ kind: "validation", validationCode: validation.data.validationCode });
  });

  it("refuses a validation event without a validation code", () => {
    expect(() => parseEventGridDelivery(JSON.stringify([{ ...validation, data: {} }]), "SubscriptionValidation")).toThrow(/validationCode/);
  });

  it("returns Event Grid schema events untouched", () => {
    expect(parseEventGridDelivery(JSON.stringify([writeSuccess, { ...writeSuccess, id: "2" }]), "Notification")).toEqual({
      kind: "events",
      schema: "EventGrid",
      events: [writeSuccess, { ...writeSuccess, id: "2" }],
      rejected: [],
    });
  });

  it("accepts a single CloudEvent and a CloudEvents batch", () => {
    expect(parseEventGridDelivery(JSON.stringify(cloudWrite), "Notification")).toEqual({ kind: "events", schema: "CloudEvents", events: [cloudWrite], rejected: [] });
    expect(parseEventGridDelivery(JSON.stringify([cloudWrite, cloudWrite]), undefined)).toMatchObject({ kind: "events", schema: "CloudEvents" });
  });

  it("says what is wrong with a malformed delivery", () => {
    expect(() => parseEventGridDelivery("[{", undefined)).toThrow(/not valid JSON/);
    expect(() => parseEventGridDelivery("[]", undefined)).toThrow(/empty array/);
    expect(() => parseEventGridDelivery(JSON.stringify(writeSuccess), undefined)).toThrow(/must be a JSON array/);
    expect(() => parseEventGridDelivery(JSON.stringify([writeSuccess, cloudWrite]), undefined)).toThrow(/mixes/);
    expect(() => parseEventGridDelivery(JSON.stringify([writeSuccess]), "Bogus")).toThrow(/aeg-event-type/);
  });

  it("sets a malformed event aside with its reason and keeps the others of the delivery", () => {
    const rejected = (events: unknown[]) => {
      const delivery = parseEventGridDelivery(JSON.stringify(events), undefined);
      if (delivery.kind !== "events") throw new Error(`expected events, got ${delivery.kind}`);
      return delivery;
    };
    expect(rejected([1, writeSuccess])).toMatchObject({ events: [writeSuccess], rejected: [{ index: 0, id: undefined, reason: "event 0 is not a JSON object" }] });
    expect(rejected([writeSuccess, { ...writeSuccess, id: "late", eventTime: "yesterday" }])).toMatchObject({
      events: [writeSuccess],
      rejected: [{ index: 1, id: "late", reason: expect.stringMatching(/eventTime/) }],
    });
    expect(rejected([{ ...cloudWrite, specversion: "0.3" }]).rejected).toEqual([expect.objectContaining({ reason: expect.stringMatching(/specversion/) })]);
    expect(rejected([{ ...cloudWrite, source: "" }, cloudWrite])).toMatchObject({ events: [cloudWrite], rejected: [{ index: 0, reason: expect.stringMatching(/"source"/) }] });
  });

  it("keeps Event Grid's delivery contract: at most 5,000 events, and 1 MB per event", () => {
    const many = Array.from({ length: 5_001 }, (_, i) => ({ ...writeSuccess, id: String(i) }));
    expect(() => parseEventGridDelivery(JSON.stringify(many), undefined)).toThrow(DeliveryTooLargeError);
    expect(() => parseEventGridDelivery(JSON.stringify(many), undefined)).toThrow("The delivery holds 5001 events; Event Grid delivers at most 5000 in one request");
    expect(parseEventGridDelivery(JSON.stringify(many.slice(0, 5_000)), undefined)).toMatchObject({ kind: "events", rejected: [] });

    const huge = { ...writeSuccess, id: "huge", data: { ...writeSuccess.data, padding: "x".repeat(2 * MAX_EVENT_BYTES) } };
    expect(() => parseEventGridDelivery(JSON.stringify([writeSuccess, huge]), undefined)).toThrow(/^Event 1 \(id "huge"\) is 2097\d{3} bytes; Event Grid delivers at most 1048576 bytes \(1 MB\) per event$/);
  });

  it("acknowledges an unsubscribe notice without reading events", () => {
    expect(parseEventGridDelivery("", "Unsubscribe")).toEqual({ kind: "unsubscribe" });
  });
});
