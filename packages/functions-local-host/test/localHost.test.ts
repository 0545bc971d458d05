import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "./fixtures/app/probe";
import type { TestHost } from "./helpers";
import { eventually, postJson, removeStateDir, requestJson, startTestHost } from "./helpers";

let test: TestHost;
let url: string;

beforeAll(async () => {
  test = await startTestHost();
  url = test.host.url;
});

afterAll(async () => {
  await test.host.close();
  await removeStateDir(test.stateDir);
});

describe("startLocalHost", () => {
  it("binds 127.0.0.1 on the requested port and tells durable-functions where it is", () => {
    expect(url).toBe(`http://127.0.0.1:${test.host.port}`);
    expect(test.host.port).toBeGreaterThan(0);
    expect(process.env.WEBSITE_HOSTNAME).toBe(`127.0.0.1:${test.host.port}`);
  });

  it("captures every app.* and df.app.* registration with its metadata", () => {
    const start = test.host.registrations.get("startOrchestration");
    const bindings = Object.values(start?.metadata.bindings ?? {});
    expect(bindings).toContainEqual(expect.objectContaining({ type: "httpTrigger", route: "start/{orchestrator}/{instanceId?}", methods: ["POST"], authLevel: "function" }));
    expect(bindings).toContainEqual(expect.objectContaining({ type: "durableClient", direction: "in" }));
    const kinds = (name: string): unknown[] => Object.values(test.host.registrations.get(name)?.metadata.bindings ?? {}).map((binding) => binding.type);
    expect(kinds("tick")).toContain("timerTrigger");
    expect(kinds("onEvent")).toContain("eventGridTrigger");
    expect(kinds("fanOut")).toContain("orchestrationTrigger");
    expect(kinds("double")).toContain("activityTrigger");
  });

  it("runs appStart hooks once and preInvocation hooks around invocations", async () => {
    expect(probe.appStarts).toBe(1);
    await requestJson(`${url}/api/echo`);
    expect(probe.invoked).toContain("echo");
  });

  it("says that function keys are not enforced locally", () => {
    expect(test.logger.find("keys are not enforced locally").map((entry) => entry.functionName)).toContain("startOrchestration");
  });
});

describe("HTTP triggers", () => {
  it("maps method, route parameters, query, headers and body onto HttpRequest", async () => {
    const response = await requestJson(`${url}/api/echo/42?q=a&q=b`, { method: "PUT", headers: { "x-test": "hello" }, body: "payload" });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-echo")).toBe("yes");
    expect(response.body).toEqual({ method: "PUT", id: "42", q: ["a", "b"], header: "hello", body: "payload" });
  });

  it("matches optional route parameters and constraints case-insensitively", async () => {
    expect((await requestJson(`${url}/api/ECHO`)).body).toMatchObject({ method: "GET", id: null });
    expect((await requestJson(`${url}/api/echo/not-a-number`)).status).toBe(404);
  });

  it("answers 405 for a method the function does not accept and 404 for an unknown route", async () => {
    expect((await requestJson(`${url}/api/echo`, { method: "DELETE" })).status).toBe(405);
    expect((await requestJson(`${url}/api/nowhere`)).status).toBe(404);
  });

  it("turns a throwing handler into a 500 and keeps serving", async () => {
    expect((await requestJson(`${url}/api/explode`)).status).toBe(500);
    expect(test.logger.find("the handler exploded").length).toBeGreaterThan(0);
    expect((await requestJson(`${url}/api/echo`)).status).toBe(201);
  });
});

const eventGridUrl = (): string => `${url}/runtime/webhooks/eventgrid?functionName=onEvent`;

const resourceWriteEvent = (id: string, subject = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe1"): Record<string, unknown> => ({
  id,
  topic: "/subscriptions/s",
  subject,
  eventType: "Microsoft.Resources.ResourceWriteSuccess",
  eventTime: "2024-05-01T10:00:00.000Z",
  data: { resourceUri: subject, operationName: "Microsoft.Network/privateEndpoints/write", status: "Succeeded" },
  dataVersion: "",
  metadataVersion: "1",
});

const cloudEvent = (id: string): Record<string, unknown> => ({
  id,
  source: "/subscriptions/s/resourceGroups/rg",
  subject: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe2",
  type: "Microsoft.Resources.ResourceWriteSuccess",
  time: "2024-05-01T10:00:00.000Z",
  data: { status: "Succeeded" },
  specversion: "1.0",
});

const receivedIds = (): unknown[] => probe.events.map((event) => (event as { id?: unknown }).id);

describe("Event Grid webhook", () => {
  it("answers the subscription validation handshake signalled by the aeg-event-type header", async () => {
    const body = [{ ...resourceWriteEvent("v1"), eventType: "Microsoft.EventGrid.SubscriptionValidationEvent", data: { validationCode: "code-1", validationUrl: "https://x" } }];
    const response = await postJson(eventGridUrl(), body, { "aeg-event-type": "SubscriptionValidation" });
    expect(response).toMatchObject({ status: 200, body: { validationResponse: "code-1" } });
    expect(receivedIds()).not.toContain("v1");
  });

  it("answers the handshake from the SubscriptionValidationEvent type alone", async () => {
    const body = [{ ...resourceWriteEvent("v2"), eventType: "Microsoft.EventGrid.SubscriptionValidationEvent", data: { validationCode: "code-2" } }];
    expect(await postJson(eventGridUrl(), body)).toMatchObject({ status: 200, body: { validationResponse: "code-2" } });
  });

  it("hands each Event Grid schema event to the function as the raw event object", async () => {
    const events = [resourceWriteEvent("eg-1"), resourceWriteEvent("eg-2")];
    const response = await postJson(eventGridUrl(), events, { "aeg-event-type": "Notification" });
    expect(response.status).toBe(202);
    expect(probe.events).toContainEqual(events[0]);
    expect(probe.events).toContainEqual(events[1]);
  });

  it("accepts CloudEvents 1.0, single and batched", async () => {
    expect((await postJson(eventGridUrl(), cloudEvent("ce-1"), { "content-type": "application/cloudevents+json" })).status).toBe(202);
    expect((await postJson(eventGridUrl(), [cloudEvent("ce-2"), cloudEvent("ce-3")], { "content-type": "application/cloudevents-batch+json" })).status).toBe(202);
    expect(receivedIds()).toEqual(expect.arrayContaining(["ce-1", "ce-2", "ce-3"]));
    expect(probe.events).toContainEqual(cloudEvent("ce-1"));
  });

  it("answers the CloudEvents abuse-protection OPTIONS request", async () => {
    const response = await fetch(eventGridUrl(), { method: "OPTIONS", headers: { "WebHook-Request-Origin": "eventgrid.azure.net" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("webhook-allowed-origin")).toBe("eventgrid.azure.net");
  });

  it("rejects a malformed body with 400 and a clear message, invoking nothing", async () => {
    const before = probe.events.length;
    const notJson = await requestJson(eventGridUrl(), { method: "POST", body: "{not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ Message: expect.stringContaining("not valid JSON") });
    expect(probe.events.length).toBe(before);
  });

  it("acknowledges a malformed event without invoking the function for it, and still delivers the rest", async () => {
    const missingField = await postJson(eventGridUrl(), [{ ...resourceWriteEvent("bad"), eventType: undefined }, resourceWriteEvent("ok-1")]);
    expect(missingField.status).toBe(202);
    expect(receivedIds()).toContain("ok-1");
    expect(receivedIds()).not.toContain("bad");
  });

  it("answers 500 when the handler throws, so Event Grid retries, and stays up", async () => {
    const response = await postJson(eventGridUrl(), [resourceWriteEvent("boom-1", "boom"), resourceWriteEvent("after-boom")]);
    expect(response.status).toBe(500);
    expect(receivedIds()).toContain("after-boom");
    expect((await postJson(eventGridUrl(), [resourceWriteEvent("later")])).status).toBe(202);
  });

  it("answers 404 for an unknown function and 400 without functionName", async () => {
    expect((await postJson(`${url}/runtime/webhooks/eventgrid?functionName=nope`, [resourceWriteEvent("x")])).status).toBe(404);
    expect((await postJson(`${url}/runtime/webhooks/eventgrid`, [resourceWriteEvent("x")])).status).toBe(400);
  });
});

describe("timer triggers", () => {
  it("runs a timer function from the admin API's manual trigger with a Timer object", async () => {
    const before = probe.timerRuns.length;
    const response = await postJson(`${url}/admin/functions/tick`, { input: "" });
    expect(response.status).toBe(202);
    await eventually(() => probe.timerRuns.length > before, 5000, "the manual timer run");
    expect(probe.timerRuns[probe.timerRuns.length - 1]).toMatchObject({
      isPastDue: false,
      schedule: { adjustForDST: false },
      scheduleStatus: { next: new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 1)).toISOString(), last: expect.any(String), lastUpdated: expect.any(String) },
    });
  });

  it("runs a timer function through runTimer and refuses to manually trigger non-timer functions", async () => {
    const before = probe.timerRuns.length;
    await test.host.runTimer("tick");
    expect(probe.timerRuns.length).toBe(before + 1);
    await expect(test.host.runTimer("echo")).rejects.toThrow(RangeError);
    expect((await postJson(`${url}/admin/functions/echo`)).status).toBe(400);
    expect((await postJson(`${url}/admin/functions/missing`)).status).toBe(404);
  });
});
