import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "@privatelink-autopilot/arm-emulator";
import type { Emulator } from "@privatelink-autopilot/arm-emulator";
import { runScope } from "../../app/runScope";
import { estate, HUB, OWNER, putOwnedRecords, SPOKE } from "../../bench/benchStack";
import { createArmClients, StaticTokenCredential } from "../../shared/azure/clients";
import { loadConfig } from "../../shared/config";
import { loadPolicy } from "../../shared/policy";
import { REPORT_LIST_LIMIT } from "../../orchestrations/runReport";

const APPROVE_ALL = "defaultAction: approve\nrules: []\n";
const DNS = `/subscriptions/${HUB}/resourceGroups/rg-dns`;

describe("runScope over more owned records than a report lists", () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, estate: estate(REPORT_LIST_LIMIT + 12, false), pageSize: 20 });
    putOwnedRecords(emulator);
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it("lists the first unchanged record sets in name order and counts the rest in omitted.unchanged", async () => {
    const config = loadConfig({ AUTOPILOT_SUBSCRIPTIONS: `${HUB},${SPOKE}`, AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: DNS, AUTOPILOT_OWNER_ID: OWNER, AUTOPILOT_POLICY: APPROVE_ALL });
    const clients = createArmClients({ endpoint: emulator.url, credential: new StaticTokenCredential(), ca: emulator.ca, readOnly: true });
    const run = await runScope(clients, config, { policy: loadPolicy(APPROVE_ALL), zoneResourceGroupIds: [DNS], dryRun: true, concurrency: 4 });
    expect(run.errors).toEqual([]);
    expect(run.dns).toMatchObject({ created: [], updated: [], deleted: [], conflicts: [] });
    expect(run.dns.unchanged).toHaveLength(REPORT_LIST_LIMIT);
    expect(run.omitted).toEqual({ unchanged: 12 });
    const names = run.dns.unchanged.map((r) => r.name);
    expect(names).toEqual([...names].sort());
    expect(names[0]).toBe("stbench00000");
  });

  it("lists the first skipped names in name order and counts the rest in omitted.skipped", async () => {
    const config = loadConfig({ AUTOPILOT_SUBSCRIPTIONS: `${HUB},${SPOKE}`, AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: DNS, AUTOPILOT_OWNER_ID: OWNER, AUTOPILOT_POLICY: APPROVE_ALL });
    const clients = createArmClients({ endpoint: emulator.url, credential: new StaticTokenCredential(), ca: emulator.ca, readOnly: true });
    // A resource group without zones: every endpoint's name is skipped (missingZone).
    const run = await runScope(clients, config, { policy: loadPolicy(APPROVE_ALL), zoneResourceGroupIds: [`/subscriptions/${SPOKE}/resourceGroups/rg-net`], dryRun: true, concurrency: 4 });
    expect(run.dns.skipped).toHaveLength(REPORT_LIST_LIMIT);
    expect(run.dns.skipped.every((s) => s.reason === "missingZone")).toBe(true);
    expect(run.omitted).toEqual({ skipped: 12 });
    const fqdns = run.dns.skipped.map((s) => s.fqdn);
    expect(fqdns).toEqual([...fqdns].sort((a, b) => a.localeCompare(b)));
    expect(fqdns[0]).toMatch(/^stbench00000\./);
  });
});
