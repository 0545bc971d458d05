import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import type { RecordSetRecord } from "@privatelink-autopilot/arm-emulator";
import { StaticTokenCredential } from "../../shared/azure/clients";
import type { RunReport } from "../../orchestrations/runReport";
import { HUB, OWNER } from "./stack";
import type { Stack } from "./stack";
import { LEGACY, NEW, startMigrationStack, VNET_HUB, VNET_SPOKE, ZONE_ID } from "./batchMigrationEstate";

const WRITES = /^(PUT|PATCH|POST|DELETE) /;

/** Record sets of a zone, by name, as the emulator holds them (with their ETags). */
function zoneRecords(stack: Stack, zone: string): Record<string, RecordSetRecord> {
  return Object.fromEntries(stack.emulator.control.snapshot().recordSets.filter((r) => r.zoneName === zone && (r.type === "A" || r.type === "CNAME")).map((r) => [`${r.name} ${r.type}`, r]));
}

function writesSeen(stack: Stack): string[] {
  return Object.keys(stack.emulator.control.counters().operations).filter((operation) => WRITES.test(operation));
}

async function migrate(stack: Stack, dryRun: boolean): Promise<RunReport> {
  const run = await stack.run({ batchZoneMigration: "eastus" }, dryRun);
  expect(run.runtimeStatus).toBe("Completed");
  return run.report as unknown as RunReport;
}

function pairsOf(report: RunReport): Record<string, string> {
  return Object.fromEntries((report.batchZoneMigration?.legacyZones[0]?.pairs ?? []).map((p) => [p.legacy.name, p.status]));
}

describe("Batch zone migration run (local host + ARM emulator)", () => {
  let stack: Stack;
  let links: PrivateDnsManagementClient;
  let legacyBefore: Record<string, RecordSetRecord>;
  let ip: Record<string, string>;

  beforeAll(async () => {
    ({ stack, ip } = await startMigrationStack());
    legacyBefore = zoneRecords(stack, LEGACY);
    links = new PrivateDnsManagementClient(new StaticTokenCredential(), HUB, { endpoint: stack.emulator.url, credentialScopes: ["https://management.azure.com/.default"], tlsOptions: { ca: stack.emulator.ca } });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("a dry run lists the copies, names the VNet linked only to the legacy zone, and writes nothing", async () => {
    stack.emulator.control.resetCounters();
    const report = await migrate(stack, true);
    expect(writesSeen(stack)).toEqual([]);
    expect(report).toMatchObject({ kind: "batchZoneMigration", target: "eastus", dryRun: true, errors: [] });
    expect(report.dns.created.map((r) => `${r.name} ${r.value}`).sort()).toEqual([`batchhand.eastus ${ip["batchhand"]}`, `batchprod.eastus ${ip["batchprod"]}`]);
    expect(pairsOf(report)).toEqual({ batchaway: "notCopied", batchhand: "wouldCopy", batchprod: "wouldCopy" });
    const zone = report.batchZoneMigration?.legacyZones[0];
    expect(zone?.advice).toMatchObject({ step: "linkNewZone", toLink: [VNET_SPOKE.toLowerCase()], safeToDelete: false });
    expect(zone?.vnets).toEqual([
      { virtualNetworkId: VNET_HUB.toLowerCase(), legacyLinks: ["link-hub"], newLinks: ["link-hub"] },
      { virtualNetworkId: VNET_SPOKE.toLowerCase(), legacyLinks: ["link-spoke"], newLinks: [] },
    ]);
    expect(zoneRecords(stack, NEW)).toEqual({});
    const text = String((await stack.get(`/api/runs/${(await stack.run({ batchZoneMigration: "eastus" }, true)).instanceId}?format=text`)).body);
    expect(text).toMatch(/^batchZoneMigration run eastus \(dry run\): 0 decisions; 2 would be created, /);
    expect(text).toContain(`next: link ${NEW} to vnet-spoke: they resolve from ${LEGACY} only`);
  });

  it("a live run copies owned and foreign records into owned copies, verifies them, and never changes an original", async () => {
    stack.emulator.control.resetCounters();
    const report = await migrate(stack, false);
    // Its only writes are the two record creates: no zone, link or other record.
    expect(writesSeen(stack)).toEqual(["PUT privateDnsZones/recordSets:createOrUpdate"]);
    expect(stack.emulator.control.counters().operations["PUT privateDnsZones/recordSets:createOrUpdate"]).toBe(2);
    expect(report.errors).toEqual([]);
    expect(pairsOf(report)).toEqual({ batchaway: "notCopied", batchhand: "copied", batchprod: "copied" });
    const copies = zoneRecords(stack, NEW);
    for (const name of ["batchprod", "batchhand"]) {
      const copy = copies[`${name}.eastus A`];
      expect(copy?.aRecords).toEqual([ip[name]]);
      // Owned, for the endpoint that serves <account>.eastus.batch.azure.com.
      expect(copy?.metadata).toMatchObject({ managedBy: "privatelink-autopilot", owner: OWNER, endpointId: expect.stringContaining(`/privateendpoints/pe-${name}`) });
    }
    expect(copies["batchaway.eastus A"]).toBeUndefined();
    expect(zoneRecords(stack, LEGACY)).toEqual(legacyBefore);
    expect(report.batchZoneMigration?.legacyZones[0]?.advice.step).toBe("linkNewZone");
    // One log line per copy, and per record not copied.
    const lines = stack.logs.map((l) => l.message);
    expect(lines.some((l) => l.startsWith(`create A batchhand.eastus.${NEW} ${ip["batchhand"]} (pe-batchhand) run=batch-zone-migration-eastus_`))).toBe(true);
    expect(lines.some((l) => l.startsWith(`skip A batchaway.${LEGACY} 10.99.0.4: notCopied: no Approved endpoint in scope serves batchaway.eastus.batch.azure.com`))).toBe(true);

    // Again: the copies are there with the same addresses, so nothing is written.
    stack.emulator.control.resetCounters();
    const again = await migrate(stack, false);
    expect(pairsOf(again)).toEqual({ batchaway: "notCopied", batchhand: "verified", batchprod: "verified" });
    expect(again.dns.unchanged.map((r) => r.name).sort()).toEqual(["batchhand.eastus", "batchprod.eastus"]);
    expect(writesSeen(stack)).toEqual([]);
    // The key answers the latest live run; the history lists the kind.
    const latest = await stack.get("/api/runs/batch-zone-migration-eastus");
    expect(latest.body).toMatchObject({ name: "batchZoneMigration", report: { kind: "batchZoneMigration", dryRun: false } });
    const listed = (await stack.get("/api/runs?kind=batchZoneMigration")).body as { runs: { kind: string; dryRun: boolean }[] };
    expect(listed.runs.length).toBeGreaterThanOrEqual(4);
    expect(listed.runs.every((r) => r.kind === "batchZoneMigration")).toBe(true);
  });

  it("a drift sweep after the migration deletes no copy and changes no original", async () => {
    const copies = zoneRecords(stack, NEW);
    const sweep = await stack.run("all");
    expect(sweep.runtimeStatus).toBe("Completed");
    expect(sweep.report.errors).toEqual([]);
    const after = zoneRecords(stack, NEW);
    for (const key of ["batchprod.eastus A", "batchhand.eastus A"]) expect(after[key]).toEqual(copies[key]);
    const legacy = zoneRecords(stack, LEGACY);
    expect(legacy["batchhand A"]).toEqual(legacyBefore["batchhand A"]);
    expect(legacy["batchaway A"]).toEqual(legacyBefore["batchaway A"]);
    // Our own legacy A answers exactly as the CNAME would, so the sweep keeps it as it is (no swap).
    expect(legacy["batchprod A"]).toEqual(legacyBefore["batchprod A"]);
    expect(legacy["batchprod CNAME"]).toBeUndefined();
  });

  it("once every VNet links the new zone and every record has a verified copy, says unlink; once unlinked, safe to delete", async () => {
    await links.virtualNetworkLinks.beginCreateOrUpdateAndWait("rg-dns", NEW, "link-spoke", { location: "global", virtualNetwork: { id: VNET_SPOKE }, registrationEnabled: false }, { updateIntervalInMs: 10 });
    let report = await migrate(stack, true);
    // The record no endpoint in scope serves still blocks the unlink: it has no copy.
    expect(report.batchZoneMigration?.legacyZones[0]?.advice).toMatchObject({ step: "copyRecords", toLink: [], safeToDelete: false });
    // The operator copies it by hand, as the report says.
    stack.emulator.control.putRecordSet({ zoneId: ZONE_ID(NEW), type: "A", name: "batchaway.eastus", ttl: 3600, ipv4Addresses: ["10.99.0.4"], metadata: {} });
    report = await migrate(stack, true);
    expect(pairsOf(report)).toEqual({ batchaway: "verified", batchhand: "verified", batchprod: "verified" });
    expect(report.batchZoneMigration?.legacyZones[0]?.advice).toMatchObject({ step: "unlinkLegacyZone", toUnlink: [VNET_HUB.toLowerCase(), VNET_SPOKE.toLowerCase()], safeToDelete: false });

    for (const link of ["link-hub", "link-spoke"]) await links.virtualNetworkLinks.beginDeleteAndWait("rg-dns", LEGACY, link, { updateIntervalInMs: 10 });
    stack.emulator.control.resetCounters();
    report = await migrate(stack, false);
    expect(report.batchZoneMigration?.legacyZones[0]?.advice).toMatchObject({ step: "safeToDelete", safeToDelete: true });
    expect(report.notes).toContain(`${LEGACY}: ${LEGACY} is linked to no VNet and every record has a verified copy: it is safe to delete (the app never deletes zones)`);
    // It never deletes the zone, a link or a record itself.
    expect(writesSeen(stack)).toEqual([]);
    expect(stack.emulator.control.snapshot().privateDnsZones.some((z) => z.name === LEGACY)).toBe(true);
  });
});
