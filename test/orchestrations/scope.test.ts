import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../shared/config";
import type { Config } from "../../shared/config";
import { ArmRequestError } from "../../shared/azure/errors";
import { clearScopeCache, resolveScope, SCOPE_CACHE_TTL_MS, ScopeResolutionError, subscriptionsInScope } from "../../orchestrations/scope";
import { SUB, SUB2, useEmulator } from "../shared/azure/fixture";

const SUB3 = "33333333-3333-4333-8333-333333333333";
const SUB4 = "44444444-4444-4444-8444-444444444444";
const SUB5 = "55555555-5555-4555-8555-555555555555";

function configWith(settings: Record<string, string>): Config {
  return loadConfig({
    AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `/subscriptions/${SUB}/resourceGroups/rg-dns`,
    AUTOPILOT_OWNER_ID: "scope-test",
    AUTOPILOT_POLICY: "rules: []",
    ...settings,
  });
}

describe("subscriptionsInScope", () => {
  const fx = useEmulator(2);

  beforeEach(() => {
    clearScopeCache();
    fx.emulator.control.seed({
      subscriptions: [],
      managementGroups: [
        { id: "mg-platform", subscriptions: [SUB3] },
        { id: "mg-landing-zones", parent: "mg-platform", subscriptions: [SUB4, SUB2] },
      ],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is the listed subscriptions, sorted and unique, without asking ARM when no group is configured", async () => {
    const config = configWith({ AUTOPILOT_SUBSCRIPTIONS: `${SUB2},${SUB},${SUB2.toUpperCase()}` });
    const before = fx.clients.requestCount();
    expect(await subscriptionsInScope(fx.clients, config)).toEqual([SUB, SUB2]);
    expect(fx.clients.requestCount()).toBe(before);
  });

  it("is the union of the listed subscriptions and the group's, at any depth", async () => {
    const config = configWith({ AUTOPILOT_SUBSCRIPTIONS: `${SUB},${SUB2}`, AUTOPILOT_MANAGEMENT_GROUP: "mg-platform" });
    expect(await subscriptionsInScope(fx.clients, config)).toEqual([SUB, SUB2, SUB3, SUB4].sort());
    expect(await resolveScope(fx.clients, config)).toEqual({
      subscriptionIds: [SUB, SUB2, SUB3, SUB4].sort(),
      listed: [SUB, SUB2],
      managementGroup: { id: "mg-platform", subscriptionIds: [SUB2, SUB3, SUB4].sort() },
    });
  });

  it("reads the hierarchy once for a burst of calls, including calls made while the first read is in flight", async () => {
    const config = configWith({ AUTOPILOT_MANAGEMENT_GROUP: "mg-landing-zones" });
    const before = fx.clients.requestCount();
    const burst = await Promise.all(Array.from({ length: 20 }, () => subscriptionsInScope(fx.clients, config)));
    for (const answer of burst) expect(answer).toEqual([SUB2, SUB4].sort());
    const oneRead = fx.clients.requestCount() - before;
    // Two subscriptions, two a page: one request.
    expect(oneRead).toBe(1);
    await subscriptionsInScope(fx.clients, config);
    expect(fx.clients.requestCount() - before).toBe(oneRead);
  });

  it("reads the hierarchy again once the cached answer is older than the time to live, and sees a moved subscription", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-03-02T09:00:00Z") });
    const config = configWith({ AUTOPILOT_MANAGEMENT_GROUP: "mg-landing-zones" });
    expect(await subscriptionsInScope(fx.clients, config)).toEqual([SUB2, SUB4].sort());
    fx.emulator.control.reset();
    fx.emulator.control.seed({ subscriptions: [], managementGroups: [{ id: "mg-landing-zones", subscriptions: [SUB4] }] });

    vi.setSystemTime(Date.now() + SCOPE_CACHE_TTL_MS - 1);
    expect(await subscriptionsInScope(fx.clients, config)).toEqual([SUB2, SUB4].sort());
    vi.setSystemTime(Date.now() + 2);
    expect(await subscriptionsInScope(fx.clients, config)).toEqual([SUB4]);
  });

  it("keeps each runtime's answer apart: other clients read for themselves", async () => {
    const config = configWith({ AUTOPILOT_MANAGEMENT_GROUP: "mg-landing-zones" });
    await subscriptionsInScope(fx.clients, config);
    const other = fx.clientsWith();
    await subscriptionsInScope(other, config);
    expect(other.requestCount()).toBe(1);
  });

  it("throws an error naming the group and the cause when the group cannot be resolved, and does not keep the failure", async () => {
    const config = configWith({ AUTOPILOT_SUBSCRIPTIONS: SUB, AUTOPILOT_MANAGEMENT_GROUP: "mg-later" });
    const error: unknown = await subscriptionsInScope(fx.clients, config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScopeResolutionError);
    expect((error as ScopeResolutionError).managementGroupId).toBe("mg-later");
    expect((error as Error).message).toMatch(/^Could not resolve management group "mg-later" \(AUTOPILOT_MANAGEMENT_GROUP\) to its subscriptions: .*was not found/);
    expect((error as Error).cause).toBeInstanceOf(ArmRequestError);

    // The group appears: the next call reads again instead of repeating the failure.
    fx.emulator.control.seed({ subscriptions: [], managementGroups: [{ id: "mg-later", subscriptions: [SUB5] }] });
    expect(await subscriptionsInScope(fx.clients, config)).toEqual([SUB, SUB5]);
  });

  it("forgets every answer when the cache is cleared (resetRuntime does this)", async () => {
    const config = configWith({ AUTOPILOT_MANAGEMENT_GROUP: "mg-landing-zones" });
    await subscriptionsInScope(fx.clients, config);
    const before = fx.clients.requestCount();
    clearScopeCache();
    await subscriptionsInScope(fx.clients, config);
    expect(fx.clients.requestCount() - before).toBe(1);
  });
});
