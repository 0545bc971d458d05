import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetRuntime } from "../../orchestrations/runtime";
import { demoEstate, emptyEstate, OWNER, SPOKE, startStack } from "./stack";
import type { Stack } from "./stack";

const STORAGE = `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;

function ownedTtls(stack: Stack): number[] {
  return stack.emulator.control
    .snapshot()
    .recordSets.filter((r) => r.metadata["owner"] === OWNER)
    .map((r) => r.ttl);
}

describe("AUTOPILOT_RECORD_TTL is the TTL of every record set the app writes", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ estate: await emptyEstate(), settings: { AUTOPILOT_RECORD_TTL: "42" } });
  });
  afterAll(async () => {
    await stack.close();
    delete process.env["AUTOPILOT_RECORD_TTL"];
  });

  it("in a run an event starts", async () => {
    stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-ttl", targetResourceId: STORAGE, groupIds: ["blob"], manual: true });
    await stack.settle();
    const ttls = ownedTtls(stack);
    expect(ttls.length).toBeGreaterThan(0);
    expect(new Set(ttls)).toEqual(new Set([42]));
  });

  it("in a sweep over the demo estate", async () => {
    await stack.reseed(await demoEstate());
    const { report } = await stack.run("all");
    expect(report.dns.created.length).toBeGreaterThan(0);
    expect(new Set(ownedTtls(stack))).toEqual(new Set([42]));
  });
});

describe("AUTOPILOT_SWEEP_CONCURRENCY bounds the writes a sweep has in flight at once", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ estate: await demoEstate(), eventsOff: true });
  });
  afterAll(async () => {
    await stack.close();
    delete process.env["AUTOPILOT_SWEEP_CONCURRENCY"];
  });

  it.each([1, 3])("has at most %i writes in flight", async (concurrency) => {
    process.env["AUTOPILOT_SWEEP_CONCURRENCY"] = String(concurrency);
    resetRuntime();
    await stack.reseed(await demoEstate());
    stack.emulator.control.setEventChaos({ dropProbability: 1 });
    // Slow writes, so writes that may overlap do.
    for (const method of ["PUT", "PATCH", "DELETE"]) stack.emulator.control.injectFault({ method, path: ".", probability: 1, action: { type: "latency", ms: 100 } });
    stack.emulator.control.resetCounters();
    try {
      const { report } = await stack.run("all");
      expect(report.decisions.length + report.dns.created.length).toBeGreaterThan(concurrency);
      expect(stack.emulator.control.counters().maxWritesInFlight).toBe(concurrency);
    } finally {
      stack.emulator.control.clearFaults();
    }
  });
});
