import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalHost } from "@privatelink-autopilot/functions-local-host";
import type { LocalHost } from "@privatelink-autopilot/functions-local-host";
import { resetRuntime } from "../../orchestrations/runtime";
import { APP_ENTRY } from "./stack";

const BAD_SETTINGS = /AUTOPILOT_SUBSCRIPTIONS: expected subscription GUIDs, got "not-a-guid"[\s\S]*AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: missing[\s\S]*AUTOPILOT_SWEEP_SCHEDULE: expected a six-field NCRONTAB expression/;

describe("start-up with bad settings", () => {
  let stateDir: string;
  let host: LocalHost;
  const saved = { ...process.env };

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "plautopilot-startup-"));
    Object.assign(process.env, { AUTOPILOT_SUBSCRIPTIONS: "not-a-guid", AUTOPILOT_OWNER_ID: "ok", AUTOPILOT_POLICY: "rules: []", AUTOPILOT_SWEEP_SCHEDULE: "every minute" });
    delete process.env["AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS"];
    delete process.env["AUTOPILOT_POLICY_PATH"];
    resetRuntime();
    host = await startLocalHost({ entry: APP_ENTRY, port: 0, stateDir, timers: false, logger: { log: () => undefined } });
  });
  afterAll(async () => {
    await host?.close();
    process.env = saved;
    resetRuntime();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("still loads every function, and health answers 503: only the status anonymously, each bad setting in the details", async () => {
    const anonymous = await fetch(`${host.url}/api/health`);
    expect(anonymous.status).toBe(503);
    expect(await anonymous.json()).toEqual({ status: "unhealthy" });

    const details = await fetch(`${host.url}/api/health/details`);
    expect(details.status).toBe(503);
    const body = (await details.json()) as { status: string; checks: Record<string, { ok: boolean; detail: string }> };
    expect(body.status).toBe("unhealthy");
    expect(body.checks).toEqual({ configuration: { ok: false, detail: expect.stringMatching(BAD_SETTINGS) } });
  });

  it("refuses every run with the same message: manual runs 503, the timer and events fail (Event Grid redelivers)", async () => {
    const run = await fetch(`${host.url}/api/runs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ scope: "all" }) });
    expect(run.status).toBe(503);
    expect(await run.json()).toEqual({ error: { code: "NotReady", message: expect.stringMatching(BAD_SETTINGS) } });

    await expect(host.runTimer("driftSweepTimer")).rejects.toThrow(BAD_SETTINGS);

    const event = {
      id: "e1",
      subject: "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe",
      eventType: "Microsoft.Resources.ResourceWriteSuccess",
      eventTime: "2026-01-01T00:00:00Z",
      data: { operationName: "Microsoft.Network/privateEndpoints/write" },
    };
    const delivery = await fetch(`${host.url}/runtime/webhooks/eventgrid?functionName=onArmEvent`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([event]) });
    expect(delivery.status).toBe(500);
    expect(JSON.stringify(await delivery.json())).toMatch(/AUTOPILOT_SUBSCRIPTIONS/);
  });
});
