import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emptyEstate, SPOKE, startStack, UNKNOWN } from "./stack";
import type { Stack } from "./stack";
import { parseRunLog } from "../../orchestrations/runLog";

const ENDPOINTS = `/subscriptions/${SPOKE}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints`;
const WEBHOOK = "/runtime/webhooks/eventgrid?functionName=onArmEvent";

function endpointEvent(id: string, resourceUri: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    topic: `/subscriptions/${SPOKE}`,
    subject: resourceUri,
    eventType: "Microsoft.Resources.ResourceWriteSuccess",
    eventTime: "2026-01-01T00:00:00Z",
    dataVersion: "2",
    metadataVersion: "1",
    data: { operationName: "Microsoft.Network/privateEndpoints/write", resourceUri, status: "Succeeded", ...extra },
  };
}

describe("hostile input through the local host's Event Grid endpoint", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ estate: await emptyEstate() });
  });
  afterAll(async () => {
    await stack.close();
  });
  beforeEach(async () => {
    await stack.reseed(await emptyEstate());
    stack.emulator.control.resetCounters();
    stack.logs.length = 0;
  });

  // The readable part of each warning (run-log lines end in their run= and resource= ids).
  const warnings = () => stack.logs.filter((l) => l.level === "warning").map((l) => parseRunLog(l.message)?.text ?? l.message);
  const runsStarted = () => stack.logs.filter((l) => / -> (started|nudged) /.test(l.message));
  const post = async (body: string) => {
    const response = await fetch(`${stack.host.url}${WEBHOOK}`, { method: "POST", headers: { "content-type": "application/json", "aeg-event-type": "Notification" }, body });
    return response.status;
  };

  it("answers Microsoft's documented validation event with Microsoft's documented response", async () => {
    const fixture = (name: string) => readFileSync(join(__dirname, "..", "fixtures", "events", name), "utf8");
    const response = await fetch(`${stack.host.url}${WEBHOOK}`, {
      method: "POST",
      headers: { "content-type": "application/json", "aeg-event-type": "SubscriptionValidation" },
      body: fixture("SubscriptionValidationEvent.eventgrid-schema.json"),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(fixture("SubscriptionValidationResponse.json")));
  });

  it("refuses a 2 MB event with 413 (Event Grid dead-letters it, no retry) and one warning naming it; nothing runs or is read", async () => {
    const huge = endpointEvent("huge-1", `${ENDPOINTS}/pe-huge`, { padding: "x".repeat(2 * 1024 * 1024) });
    expect(await post(JSON.stringify([huge]))).toBe(413);
    await stack.settle();

    expect(warnings()).toEqual([expect.stringMatching(/^Rejected Event Grid delivery \(413\): Event 0 \(id "huge-1"\) is 2097\d{3} bytes; Event Grid delivers at most 1048576 bytes \(1 MB\) per event$/)]);
    expect(runsStarted()).toEqual([]);
    expect(stack.emulator.control.counters().total).toBe(0);
  });

  it("acknowledges an event with a '..' id (200, no retry) with one warning naming it, and changes nothing", async () => {
    const sneaky = endpointEvent("dotdot-1", `${ENDPOINTS}/pe-x/../../../../rg-dns/providers/Microsoft.Network/privateEndpoints/pe-y`);
    expect(await post(JSON.stringify([sneaky]))).toBeLessThan(300);
    await stack.settle();

    expect(warnings()).toEqual([expect.stringMatching(/event "dotdot-1" acknowledged without a run: malformed: event\.data\.resourceUri: expected an ARM resource id, got "\S+" \(it has a '\.' or '\.\.' segment\)$/)]);
    expect(runsStarted()).toEqual([]);
    expect(Object.keys(stack.emulator.control.counters().operations).filter((op) => !op.startsWith("GET "))).toEqual([]);
  });

  it("acknowledges a malformed event with one warning and still runs the good event delivered with it", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-good", targetResourceId: `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`, groupIds: ["batchAccount"], manual: true });
    await stack.settle();
    stack.logs.length = 0;
    const noOperation = { ...endpointEvent("bad-1", `${ENDPOINTS}/pe-bad`), data: { resourceUri: `${ENDPOINTS}/pe-bad` } };
    const noTime = { ...endpointEvent("bad-2", `${ENDPOINTS}/pe-bad`), eventTime: "yesterday" };
    const good = endpointEvent("good-1", endpoint.id);
    expect(await post(JSON.stringify([noOperation, noTime, good]))).toBeLessThan(300);
    await stack.settle();

    expect(warnings()).toEqual([
      expect.stringMatching(/^Acknowledged Event Grid event 1 \(id bad-2\) without invoking onArmEvent: Event 1: "eventTime" must be an ISO date/),
      expect.stringMatching(/event "bad-1" acknowledged without a run: malformed: event\.data\.operationName: expected a non-empty string, got nothing$/),
    ]);
    expect(runsStarted()).toEqual([expect.objectContaining({ message: expect.stringContaining(`event Microsoft.Network/privateEndpoints/write succeeded -> `) })]);
  });

  it("acknowledges an event about a subscription out of scope with one warning", async () => {
    const outside = endpointEvent("outside-1", `/subscriptions/${UNKNOWN}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe`);
    expect(await post(JSON.stringify([outside]))).toBeLessThan(300);
    await stack.settle();

    expect(warnings()).toEqual([expect.stringMatching(new RegExp(`event "outside-1" acknowledged without a run: .*subscription ${UNKNOWN} is not in scope$`))]);
    expect(runsStarted()).toEqual([]);
  });

  it("refuses a delivery of more than 5,000 events with 413", async () => {
    const many = Array.from({ length: 5_001 }, (_, i) => endpointEvent(`many-${i}`, `${ENDPOINTS}/pe-${i}`));
    expect(await post(JSON.stringify(many))).toBe(413);
    expect(runsStarted()).toEqual([]);
  });
});
