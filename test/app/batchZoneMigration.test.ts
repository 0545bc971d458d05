import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateBatchZones } from "../../app/batchZoneMigration";
import { getRuntime } from "../../orchestrations/runtime";
import type { Stack } from "../e2e/stack";
import { NEW, startMigrationStack, ZONE_ID } from "../e2e/batchMigrationEstate";

describe("migrateBatchZones against the emulator", () => {
  let stack: Stack;

  beforeAll(async () => {
    ({ stack } = await startMigrationStack());
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("a copy that loses a race to someone else's record is never written over: the read after it reports a conflict", async () => {
    const { clients, config } = getRuntime();
    // Someone writes batchhand.eastus between the migration's read and its create (held back 300 ms).
    stack.emulator.control.injectFault({ method: "PUT", path: "/A/batchhand\\.eastus$", sequence: [{ type: "latency", ms: 300 }] });
    const racing = new Promise<void>((resolve) =>
      setTimeout(() => {
        stack.emulator.control.putRecordSet({ zoneId: ZONE_ID(NEW), type: "A", name: "batchhand.eastus", ttl: 60, ipv4Addresses: ["10.66.0.1"], metadata: { createdBy: "someone" } });
        resolve();
      }, 100),
    );
    const lines: string[] = [];
    const run = await migrateBatchZones(clients, config, { region: "eastus", dryRun: false, log: (line) => lines.push(line) });
    await racing;
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

  it("refuses a region that is not a region name", async () => {
    const { clients, config } = getRuntime();
    await expect(migrateBatchZones(clients, config, { region: "../x", dryRun: true })).rejects.toThrow(/^region: expected "all" or a region name like eastus/);
  });
});
