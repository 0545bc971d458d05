import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../orchestrations/runReport";
import { HUB, SPOKE, startStack } from "./stack";
import type { Stack } from "./stack";

const DNS = `/subscriptions/${HUB}/resourceGroups/rg-dns`;

describe("a drift sweep fans out over shards (demo estate, events off)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ eventsOff: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("reports a shard that fails and sweeps the others: the failing one names a zone resource group the configuration does not", async () => {
    const dry = (await stack.run("all", true)).report as unknown as RunReport;
    expect(dry.dns.created).toHaveLength(8);
    const shards = [
      { shard: "elsewhere", zoneResourceGroupIds: [`/subscriptions/${HUB}/resourceGroups/rg-not-configured`] },
      { shard: "hub", zoneResourceGroupIds: [DNS] },
    ];
    const started = await stack.post("/runtime/webhooks/durabletask/orchestrators/driftSweep/sweep-in-shards", { subscriptionIds: [HUB, SPOKE], shards, reason: "test: shards" });
    expect(started.status).toBe(202);
    await stack.settle();
    const report = ((await stack.get("/api/runs/sweep-in-shards")).body as { report: RunReport }).report;
    expect(report.errors).toEqual([expect.objectContaining({ target: "shard elsewhere", message: expect.stringMatching(/rg-not-configured is not a configured DNS zone resource group/) })]);
    expect(report.dns.created.map((r) => `${r.name}.${r.zone}`).sort()).toEqual(dry.dns.created.map((r) => `${r.name}.${r.zone}`).sort());
    expect(report.notes).toContain("swept in 2 shards: elsewhere, hub");
    // The zones were written by the shard that went on.
    expect((await stack.run("all", true)).report).toMatchObject({ dns: { created: [], updated: [], deleted: [] } });
  });
});
