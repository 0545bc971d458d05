import { describe, expect, it } from "vitest";
import type { DurableClient } from "durable-functions";
import { startBatchZoneMigration } from "../../functions/startRun";
import { loadConfig } from "../../shared/config";

const settings = {
  AUTOPILOT_SUBSCRIPTIONS: "11111111-1111-1111-1111-111111111111",
  AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns",
  AUTOPILOT_OWNER_ID: "test",
  AUTOPILOT_POLICY: "rules: []",
};

/** A durable client that knows the given instances' states and records what is started. */
function fakeClient(running: Record<string, string>) {
  const started: { name: string; instanceId: string; input: unknown }[] = [];
  const client = {
    getStatus: async (instanceId: string) => {
      const runtimeStatus = running[instanceId];
      if (runtimeStatus === undefined) throw new Error(`Instance ${instanceId} failed with HTTP 404`);
      return { instanceId, runtimeStatus };
    },
    startNew: async (name: string, options: { instanceId: string; input: unknown }) => {
      started.push({ name, ...options });
      return options.instanceId;
    },
  };
  return { client: client as unknown as DurableClient, started };
}

describe("startBatchZoneMigration", () => {
  it("starts a live run under the region's key lock, and not twice while one runs", async () => {
    const config = loadConfig(settings);
    const idle = fakeClient({});
    const first = await startBatchZoneMigration(idle.client, config, { region: "eastus", reason: "manual run" });
    expect(first).toMatchObject({ key: "batch-zone-migration-eastus", action: "started", dryRun: false });
    expect(idle.started).toMatchObject([{ name: "runsForKey", instanceId: "batch-zone-migration-eastus", input: { orchestration: "batchZoneMigration", goesRound: false, input: { region: "eastus", dryRun: false } } }]);
    const busy = fakeClient({ "batch-zone-migration-eastus": "Running" });
    expect(await startBatchZoneMigration(busy.client, config, { region: "eastus", reason: "manual run" })).toEqual({ instanceId: "batch-zone-migration-eastus", key: "batch-zone-migration-eastus", action: "alreadyRunning", dryRun: false });
    expect(busy.started).toEqual([]);
  });

  it("runs a requested dry run beside a live one under an id of its own; AUTOPILOT_DRY_RUN makes every run a dry run", async () => {
    const busy = fakeClient({ "batch-zone-migration-all": "Running" });
    const dry = await startBatchZoneMigration(busy.client, loadConfig(settings), { region: "all", dryRun: true, reason: "manual run" });
    expect(dry).toMatchObject({ action: "started", dryRun: true, instanceId: expect.stringMatching(/^batch-zone-migration-all_\d{8}T\d{9}Z-dry-[0-9a-f]{4}$/) });
    expect(busy.started).toMatchObject([{ name: "batchZoneMigration", input: { region: "all", dryRun: true } }]);
    const idle = fakeClient({});
    const forced = await startBatchZoneMigration(idle.client, loadConfig({ ...settings, AUTOPILOT_DRY_RUN: "true" }), { region: "all", reason: "manual run" });
    expect(forced).toMatchObject({ action: "started", dryRun: true });
    expect(idle.started).toMatchObject([{ name: "runsForKey", input: { input: { dryRun: true } } }]);
  });
});
