import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetRuntime } from "../../orchestrations/runtime";
import { emptyEstate, SPOKE, startStack, UNKNOWN } from "../e2e/stack";
import type { Stack } from "../e2e/stack";

const BATCH = `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`;
const DESCENDANTS = "GET managementGroups/descendants:list";

// The demo estate puts the spoke in mg-platform > mg-landing-zones; the stranger is in no group.
describe("onArmEvent with the scope given by a management group only", () => {
  let stack: Stack;
  const saved = { subscriptions: process.env.AUTOPILOT_SUBSCRIPTIONS, group: process.env.AUTOPILOT_MANAGEMENT_GROUP };

  beforeAll(async () => {
    stack = await startStack({ estate: await emptyEstate(), settings: { AUTOPILOT_SUBSCRIPTIONS: "", AUTOPILOT_MANAGEMENT_GROUP: "mg-platform" } });
  });
  afterAll(async () => {
    await stack.close();
    Object.assign(process.env, { AUTOPILOT_SUBSCRIPTIONS: saved.subscriptions ?? "", AUTOPILOT_MANAGEMENT_GROUP: saved.group ?? "" });
    resetRuntime();
  });
  beforeEach(async () => {
    await stack.reseed(await emptyEstate());
    stack.logs.length = 0;
  });

  it("acts on an event from a subscription in a nested group, reading the hierarchy once for the burst", async () => {
    const endpoints = ["pe-a", "pe-b", "pe-c"].map((name) =>
      stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name, targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true }),
    );
    await stack.settle();

    const connections = stack.emulator.control.snapshot().connections;
    for (const endpoint of endpoints) {
      expect(connections.find((c) => c.endpointId === endpoint.id)?.state).toMatchObject({ status: "Approved", description: expect.stringContaining("platform-subscriptions") });
    }
    // Resolved at most once since the reseed (zero when an earlier test's answer is still fresh).
    expect(stack.emulator.control.counters().operations[DESCENDANTS] ?? 0).toBeLessThanOrEqual(1);
  });

  it("ignores an event from a subscription outside the group, before reading anything about it", async () => {
    const rogue = `/subscriptions/${UNKNOWN}/resourceGroups/rg-rogue/providers/Microsoft.Network/privateEndpoints/pe-rogue`;
    stack.emulator.control.forgeEvent({ eventType: "Microsoft.Resources.ResourceWriteSuccess", resourceId: rogue });
    await stack.settle();

    const messages = stack.logs.filter((l) => l.functionName === "onArmEvent").map((l) => l.message);
    expect(messages).toContainEqual(expect.stringMatching(new RegExp(`acknowledged without a run: .*${UNKNOWN}.* is not in scope`)));
    expect(messages.filter((m) => / -> (started|nudged) /.test(m))).toEqual([]);
    expect(stack.emulator.control.counters().operations["GET privateEndpoints:get"] ?? 0).toBe(0);
  });
});
