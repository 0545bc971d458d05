import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main";
import type { RunReport } from "../../orchestrations/runReport";
import { emptyEstate, HUB, OWNER, SPOKE, startStack } from "./stack";
import type { Stack } from "./stack";

const STORAGE = `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
const KEYVAULT = `/subscriptions/${SPOKE}/resourceGroups/rg-security/providers/Microsoft.KeyVault/vaults/kv-secrets`;
const zoneId = (zone: string) => `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${zone}`;
const BLOB_ZONE = "privatelink.blob.core.windows.net";
const VAULT_ZONE = "privatelink.vaultcore.azure.net";

describe("adopting records that are already right (AUTOPILOT_ADOPT_RECORDS=true; local host + ARM emulator, events off)", () => {
  let stack: Stack;
  let blobIp: string;

  /** The record set at a name, as the emulator holds it. */
  const recordAt = (zone: string, name: string) => stack.emulator.control.snapshot().recordSets.find((r) => r.zoneName === zone && r.name === name);
  const reportOf = async (dryRun = false) => (await stack.run("all", dryRun)).report as unknown as RunReport;

  beforeAll(async () => {
    stack = await startStack({ estate: await emptyEstate(), eventsOff: true, settings: { AUTOPILOT_ADOPT_RECORDS: "true" } });
    // Two auto-approved endpoints whose names someone already wrote by hand: one right, one wrong.
    for (const [name, target, groupId] of [["pe-stdata-blob", STORAGE, "blob"], ["pe-kv", KEYVAULT, "vault"]] as const) {
      stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name, targetResourceId: target, groupIds: [groupId], manual: false });
    }
    const nic = stack.emulator.control.snapshot().networkInterfaces.find((n) => n.endpointId.endsWith("/pe-stdata-blob"));
    blobIp = nic?.ipConfigs[0]?.privateIp ?? "";
    expect(blobIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    stack.emulator.control.putRecordSet({ zoneId: zoneId(BLOB_ZONE), type: "A", name: "stdata", ttl: 3600, ipv4Addresses: [blobIp], metadata: { createdBy: "terraform" } });
    stack.emulator.control.putRecordSet({ zoneId: zoneId(VAULT_ZONE), type: "A", name: "kv-secrets", ttl: 3600, ipv4Addresses: ["10.9.9.9"] });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("a dry run lists the identical record as would-be adopted and changes nothing", async () => {
    const before = recordAt(BLOB_ZONE, "stdata");
    const run = await stack.run("all", true);
    const report = run.report as unknown as RunReport;
    expect(report.dns.adopted).toEqual([expect.objectContaining({ zone: BLOB_ZONE, name: "stdata", value: blobIp, endpointId: expect.stringMatching(/\/pe-stdata-blob$/) })]);
    expect(recordAt(BLOB_ZONE, "stdata")).toEqual(before);
    const text = String((await stack.get(`/api/runs/${run.instanceId}?format=text`)).body);
    expect(text).toMatch(/, 1 would be adopted, /);
    expect(text).toContain(`  would adopt     A stdata.${BLOB_ZONE} -> ${blobIp}  for pe-stdata-blob`);
  });

  it("plan lists the would-be adoption as a pending change (--detailed-exitcode 2) and changes nothing", async () => {
    const before = recordAt(BLOB_ZONE, "stdata");
    const out: string[] = [];
    expect(await runCli(["plan", "--detailed-exitcode"], process.env, { out: (l) => out.push(l), err: () => undefined })).toBe(2);
    expect(out.join("\n")).toMatch(new RegExp(`\\n\\s*adopt\\s+A\\s+stdata\\.${BLOB_ZONE.replace(/\./g, "\\.")}\\s+${blobIp.replace(/\./g, "\\.")}`));
    expect(recordAt(BLOB_ZONE, "stdata")).toEqual(before);
  });

  it("adopts an identical hand-made record (marker added, addresses unchanged), and leaves a different one a conflict, untouched", async () => {
    const before = recordAt(BLOB_ZONE, "stdata");
    const vaultBefore = recordAt(VAULT_ZONE, "kv-secrets");
    const run = await stack.run("all");
    const report = run.report as unknown as RunReport;

    expect(report.dns.adopted).toEqual([expect.objectContaining({ zone: BLOB_ZONE, name: "stdata", value: blobIp })]);
    const adopted = recordAt(BLOB_ZONE, "stdata");
    expect(adopted).toMatchObject({ aRecords: [blobIp], ttl: 10, metadata: { createdBy: "terraform", managedBy: "privatelink-autopilot", owner: OWNER, endpointId: expect.stringMatching(/\/pe-stdata-blob$/) } });
    expect(adopted?.etag).not.toBe(before?.etag);

    expect(report.dns.conflicts).toEqual([expect.objectContaining({ zone: VAULT_ZONE, name: "kv-secrets", reason: "unmarked", holder: expect.objectContaining({ value: "10.9.9.9" }) })]);
    expect(recordAt(VAULT_ZONE, "kv-secrets")).toEqual(vaultBefore);
    expect(report.dns.created).toEqual([]);

    const text = String((await stack.get(`/api/runs/${run.instanceId}?format=text`)).body);
    expect(text).toMatch(/; 0 created, 0 updated, 0 deleted, 1 adopted, 0 unchanged; 1 conflict;/);
    expect(text).toContain(`  adopt     A stdata.${BLOB_ZONE} -> ${blobIp}  for pe-stdata-blob`);
  });

  it("owns the adopted record in later runs: unchanged, then deleted with its endpoint", async () => {
    const again = await reportOf();
    expect(again.dns.adopted).toEqual([]);
    expect(again.dns.unchanged).toEqual([expect.objectContaining({ name: "stdata", value: blobIp })]);
    expect(again.dns.conflicts.map((c) => c.name)).toEqual(["kv-secrets"]);

    const endpoint = stack.emulator.control.snapshot().privateEndpoints.find((e) => e.name === "pe-stdata-blob");
    stack.emulator.control.deletePrivateEndpoint(endpoint?.id ?? "");
    const gone = await reportOf();
    expect(gone.dns.deleted).toEqual([expect.objectContaining({ name: "stdata", value: blobIp })]);
    expect(recordAt(BLOB_ZONE, "stdata")).toBeUndefined();
    expect(recordAt(VAULT_ZONE, "kv-secrets")?.aRecords).toEqual(["10.9.9.9"]);
  });

  it("adopts in a run for one endpoint too, once a person has put the right address in the conflicting record", async () => {
    const endpoint = stack.emulator.control.snapshot().privateEndpoints.find((e) => e.name === "pe-kv");
    const ip = stack.emulator.control.snapshot().networkInterfaces.find((n) => n.endpointId === endpoint?.id)?.ipConfigs[0]?.privateIp ?? "";
    stack.emulator.control.putRecordSet({ zoneId: zoneId(VAULT_ZONE), type: "A", name: "kv-secrets", ttl: 3600, ipv4Addresses: [ip] });
    const started = await stack.post("/api/runs", { scope: { endpointId: endpoint?.id } });
    expect(started.status).toBe(202);
    await stack.settle();
    const report = ((await stack.get(`/api/runs/${(started.body as { id: string }).id}`)).body as { report: RunReport }).report;

    expect(report.kind).toBe("endpoint");
    expect(report.dns.adopted).toEqual([expect.objectContaining({ zone: VAULT_ZONE, name: "kv-secrets", value: ip })]);
    expect(recordAt(VAULT_ZONE, "kv-secrets")).toMatchObject({ aRecords: [ip], metadata: { owner: OWNER } });
  });
});
