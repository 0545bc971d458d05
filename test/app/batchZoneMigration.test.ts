import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateBatchZones } from "../../app/batchZoneMigration";
import { getRuntime } from "../../orchestrations/runtime";
import { createArmClients, StaticTokenCredential } from "../../shared/azure/clients";
import { HUB } from "../e2e/stack";
import type { Stack } from "../e2e/stack";
import { LEGACY, NEW, startMigrationStack, ZONE_ID } from "../e2e/batchMigrationEstate";

describe("migrateBatchZones against the emulator", () => {
  let stack: Stack;

  beforeAll(async () => {
    ({ stack } = await startMigrationStack());
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("a copy that loses a race to someone else's record is never written over: the read after it reports a conflict", async () => {
    const { config } = getRuntime();
    // Someone writes batchhand.eastus after the migration's read, just before its create reaches ARM.
    const clients = createArmClients({ endpoint: stack.emulator.url, credential: new StaticTokenCredential(), ca: stack.emulator.ca });
    clients.privateDns(HUB).pipeline.addPolicy({
      name: "someoneElseFirst",
      async sendRequest(request, next) {
        if (request.method === "PUT" && /\/A\/batchhand\.eastus\?/.test(request.url)) {
          stack.emulator.control.putRecordSet({ zoneId: ZONE_ID(NEW), type: "A", name: "batchhand.eastus", ttl: 60, ipv4Addresses: ["10.66.0.1"], metadata: { createdBy: "someone" } });
        }
        return next(request);
      },
    });
    const lines: string[] = [];
    const run = await migrateBatchZones(clients, config, { region: "eastus", dryRun: false, log: (line) => lines.push(line) });
    const pairs = Object.fromEntries(run.migration.legacyZones[0]?.pairs.map((p) => [p.legacy.name, p]) ?? []);
    expect(pairs["batchprod"]?.status).toBe("copied");
    expect(pairs["batchhand"]).toMatchObject({ status: "conflict", detail: expect.stringMatching(/answers 10\.66\.0\.1, the legacy record [\d.]+; left alone, never overwritten/) });
    expect(run.dns.created.map((r) => r.name)).toEqual(["batchprod.eastus"]);
    expect(run.dns.conflicts).toMatchObject([{ name: "batchhand.eastus", zone: NEW, reason: "differentCopy", holder: { value: "10.66.0.1" } }]);
    expect(lines.some((l) => /^conflict A batchhand\.eastus\.privatelink\.batch\.azure\.com .*contended: create of A .* left alone: someone else created it after our read \(412 on If-None-Match: \*\)/.test(l))).toBe(true);
    const theirs = stack.emulator.control.snapshot().recordSets.find((r) => r.zoneName === NEW && r.name === "batchhand.eastus");
    expect(theirs).toMatchObject({ aRecords: ["10.66.0.1"], metadata: { createdBy: "someone" } });
    expect(run.errors).toEqual([]);
  });

  it("keeps a region of many accounts' report small: at most 200 pairs per zone, those needing a person first, and 50 per dns list, with every one counted", async () => {
    const { control } = stack.emulator;
    for (let i = 0; i < 205; i++) control.putRecordSet({ zoneId: ZONE_ID(LEGACY), type: "A", name: `acct${String(i).padStart(3, "0")}`, ttl: 60, ipv4Addresses: ["10.98.0.1"], metadata: {} });
    // Imported once the local host has loaded the app (a module that registers functions must load after it).
    const { migrateBatchZonesActivity } = await import("../../orchestrations/activities/migrateBatchZones.js");
    const run = await migrateBatchZonesActivity.run({ runId: "test", region: "eastus", dryRun: true });
    const zone = run.migration.legacyZones[0];
    expect(zone?.pairs).toHaveLength(200);
    expect(zone?.omittedPairs).toBe(8);
    expect(zone?.counts).toEqual({ conflict: 1, notCopied: 206, verified: 1 });
    expect(zone?.pairs[0]?.status).toBe("conflict");
    expect(run.dns.skipped).toHaveLength(50);
    expect(run.omitted).toEqual({ skipped: 156 });
  });

  it("refuses a region that is not a region name", async () => {
    const { clients, config } = getRuntime();
    await expect(migrateBatchZones(clients, config, { region: "../x", dryRun: true })).rejects.toThrow(/^region: expected "all" or a region name like eastus/);
  });
});
