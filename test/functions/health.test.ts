import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetRuntime } from "../../orchestrations/runtime";
import { demoEstate, HUB, SPOKE, startStack, UNKNOWN } from "../e2e/stack";
import type { Stack } from "../e2e/stack";

interface HealthBody {
  status: string;
  checks: Record<string, { ok: boolean; detail: string }>;
}

const ROGUE = `/subscriptions/${UNKNOWN}/resourceGroups/rg-rogue/providers/Microsoft.Network/privateEndpoints/pe-rogue`;

describe("health and manual runs with the scope given by a management group", () => {
  let stack: Stack;
  const saved = { subscriptions: process.env.AUTOPILOT_SUBSCRIPTIONS, group: process.env.AUTOPILOT_MANAGEMENT_GROUP };
  const useGroup = (group: string) => {
    process.env.AUTOPILOT_MANAGEMENT_GROUP = group;
    resetRuntime();
  };

  beforeAll(async () => {
    stack = await startStack({ estate: await demoEstate(), settings: { AUTOPILOT_SUBSCRIPTIONS: "", AUTOPILOT_MANAGEMENT_GROUP: "mg-platform" } });
  });
  afterAll(async () => {
    await stack.close();
    Object.assign(process.env, { AUTOPILOT_SUBSCRIPTIONS: saved.subscriptions ?? "", AUTOPILOT_MANAGEMENT_GROUP: saved.group ?? "" });
    resetRuntime();
  });

  it("answers anonymous callers only the status; the details (owner, scope) are behind the function key", async () => {
    useGroup("mg-platform");
    const anonymous = await stack.get("/api/health");
    expect(anonymous).toEqual({ status: 200, body: { status: "healthy" } });
    const details = await stack.get("/api/health/details");
    expect(details.body).toMatchObject({ status: "healthy", checks: { configuration: { ok: true, detail: expect.stringContaining("owner e2e-owner") } } });
    // Azure enforces the key by the trigger's authLevel (the local host does not check keys).
    const authLevel = (name: string) => Object.values(stack.host.registrations.get(name)?.metadata.bindings ?? {}).find((b) => b.type === "httpTrigger")?.authLevel;
    expect([authLevel("health"), authLevel("healthDetails"), authLevel("startRun"), authLevel("getRun")]).toEqual(["anonymous", "function", "function", "function"]);
  });

  it("answers anonymous probes from a result at most 30 s old, so they cannot drive ARM reads; the details read afresh", async () => {
    useGroup("mg-platform");
    const zoneLists = () => stack.emulator.control.counters().operations["GET privateDnsZones:listByResourceGroup"] ?? 0;
    stack.emulator.control.resetCounters();
    for (let i = 0; i < 5; i++) expect((await stack.get("/api/health")).status).toBe(200);
    expect(zoneLists()).toBeLessThanOrEqual(1);
    const before = zoneLists();
    await stack.get("/api/health/details");
    await stack.get("/api/health/details");
    expect(zoneLists()).toBe(before + 2);
  });

  it("reports how many subscriptions are in scope and that they came from the group", async () => {
    useGroup("mg-platform");
    const { status, body } = await stack.get("/api/health/details");
    const checks = (body as HealthBody).checks;
    expect(status).toBe(200);
    expect(checks["configuration"]?.detail).toMatch(/^0 subscriptions listed and management group mg-platform, owner /);
    expect(checks["scope"]).toEqual({ ok: true, detail: "2 subscriptions in scope (0 listed, 2 from management group mg-platform)" });
  });

  it("refuses a manual run outside the resolved scope, and accepts one inside it", async () => {
    useGroup("mg-landing-zones");
    const outside = await stack.post("/api/runs", { scope: { subscriptionId: HUB }, dryRun: true });
    expect(outside).toMatchObject({ status: 400, body: { error: { message: `scope: /subscriptions/${HUB} is outside the configured subscriptions (${SPOKE}; management group mg-landing-zones included)` } } });
    const rogue = await stack.post("/api/runs", { scope: { endpointId: ROGUE } });
    expect(rogue.status).toBe(400);
    const inside = await stack.run({ subscriptionId: SPOKE }, true);
    expect(inside.runtimeStatus).toBe("Completed");
  });

  it("fails the scope check, and answers manual runs 503, naming the group when it cannot be resolved", async () => {
    useGroup("mg-typo");
    const health = await stack.get("/api/health/details");
    expect(health.status).toBe(503);
    expect((health.body as HealthBody).checks["scope"]).toEqual({ ok: false, detail: expect.stringMatching(/^Could not resolve management group "mg-typo" \(AUTOPILOT_MANAGEMENT_GROUP\) to its subscriptions: .*not found/) });
    const run = await stack.post("/api/runs", { scope: "all", dryRun: true });
    expect(run).toMatchObject({ status: 503, body: { error: { code: "ScopeUnavailable", message: expect.stringContaining('"mg-typo"') } } });
  });
});
