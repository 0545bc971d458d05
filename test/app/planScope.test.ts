import { describe, expect, it } from "vitest";
import { loadConfig } from "../../shared/config";
import { loadPolicy } from "../../shared/policy";
import { planScope } from "../../app/planScope";
import { BATCH_ZONE, BLOB_ZONE, endpointId, RG_DNS, RG_DNS2, SUB, SUB2, useEmulator, zoneId } from "../shared/azure/fixture";

const OWNER = "plan-scope-test";
const APPROVE_ALL = "defaultAction: approve\nrules: []\n";
const config = loadConfig({
  AUTOPILOT_SUBSCRIPTIONS: `${SUB},${SUB2}`,
  AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `${RG_DNS},${RG_DNS2}`,
  AUTOPILOT_OWNER_ID: OWNER,
  AUTOPILOT_POLICY: APPROVE_ALL,
});
const policy = loadPolicy(APPROVE_ALL);
const FAIL_ALWAYS = { probability: 1, action: { type: "error" as const, status: 503 as const } };

describe("planScope: one read, decisions first, DNS from the post-decision states", () => {
  const fx = useEmulator(100);

  function staleRecordOf(endpoint: string) {
    fx.emulator.control.putRecordSet({ zoneId: zoneId(BLOB_ZONE), type: "A", name: `stale-${endpoint.split("/")[2]?.slice(0, 8)}`, ipv4Addresses: ["10.1.1.1"], metadata: { managedBy: "privatelink-autopilot", owner: OWNER, endpointId: endpoint.toLowerCase() } });
  }

  it("plans the names of the connections it approves in the same read, without reading any endpoint one by one", async () => {
    fx.emulator.control.resetCounters();
    const plan = await planScope(fx.clients, config, { policy, zoneResourceGroupIds: config.dnsZoneResourceGroupIds });
    expect(plan.decisions.map((d) => [d.endpointId.split("/").pop(), d.decision.action]).sort()).toEqual([
      ["pe-file", "approve"],
      ["pe-ml", "approve"],
    ]);
    // pe-file (Storage file) was Pending: its name is planned now, as if approved. It has no zone here, so it is
    // skipped for that reason (missingZone), not as notApproved.
    const file = plan.skipped.filter((s) => s.fqdn.includes(".file.core.windows.net"));
    expect(file.map((s) => s.reason)).toEqual(["missingZone"]);
    expect(plan.skipped.filter((s) => s.reason === "notApproved")).toEqual([]);
    expect(plan.errors).toEqual([]);
    const operations = Object.keys(fx.emulator.control.counters().operations);
    expect(operations.filter((op) => /privateEndpoints:get|privateEndpointConnections:(get|list)$/.test(op))).toEqual([]);
  });

  it("reports a subscription whose endpoints cannot be listed with its status, plans the rest, and deletes no record of its endpoints (fail closed)", async () => {
    staleRecordOf(endpointId("pe-gone", SUB));
    staleRecordOf(endpointId("pe-gone", SUB2));
    fx.emulator.control.injectFault({ method: "GET", path: `^/subscriptions/${SUB2}/providers/Microsoft.Network/privateEndpoints$`, ...FAIL_ALWAYS });
    const plan = await planScope(fx.clients, config, { policy, zoneResourceGroupIds: config.dnsZoneResourceGroupIds });
    expect(plan.errors).toEqual([expect.objectContaining({ target: `/subscriptions/${SUB2}`, status: 503, message: expect.stringMatching(/^could not list its private endpoints, so no record of its endpoints is deleted: /) })]);
    const deleted = plan.changes.delete.map((r) => r.metadata["endpointId"]);
    expect(deleted).toContain(endpointId("pe-gone", SUB).toLowerCase());
    expect(deleted).not.toContain(endpointId("pe-gone", SUB2).toLowerCase());
    expect(plan.changes.create.map((r) => r.metadata["endpointId"])).toContain(endpointId("pe-blob").toLowerCase());
  });

  it("reports zones whose VNet links cannot be read and plans nothing in any zone (which zones serve an endpoint depends on them)", async () => {
    staleRecordOf(endpointId("pe-gone", SUB));
    fx.emulator.control.injectFault({ method: "GET", path: `/privateDnsZones/${BLOB_ZONE.replace(/\./g, "\\.")}/virtualNetworkLinks$`, ...FAIL_ALWAYS });
    const plan = await planScope(fx.clients, config, { policy, zoneResourceGroupIds: config.dnsZoneResourceGroupIds });
    expect(plan.errors).toEqual([expect.objectContaining({ target: "zones", status: 503, message: expect.stringMatching(/^could not read the zones' VNet links, so nothing is planned in any zone: /) })]);
    expect([plan.changes.create, plan.changes.update, plan.changes.delete]).toEqual([[], [], []]);
    expect(plan.decisions.length).toBeGreaterThan(0);
  });

  it("reports a zone whose record sets cannot be listed and plans nothing in it, while the other zones are planned", async () => {
    fx.emulator.control.injectFault({ method: "GET", path: `/privateDnsZones/${BLOB_ZONE.replace(/\./g, "\\.")}/ALL$`, ...FAIL_ALWAYS });
    const plan = await planScope(fx.clients, config, { policy, zoneResourceGroupIds: config.dnsZoneResourceGroupIds });
    expect(plan.errors).toEqual([expect.objectContaining({ target: zoneId(BLOB_ZONE), status: 503, message: expect.stringMatching(/^could not list its record sets, so nothing is planned in it: /) })]);
    expect(plan.changes.create.filter((r) => r.zone === BLOB_ZONE)).toEqual([]);
    expect(plan.changes.create.filter((r) => r.zone === BATCH_ZONE)).not.toEqual([]);
  });

  it("reports a name whose record a DNS zone group already wrote, as we would have, as served, not as a conflict or a change", async () => {
    const first = await planScope(fx.clients, config, { policy, zoneResourceGroupIds: config.dnsZoneResourceGroupIds });
    const blob = first.changes.create.find((r) => r.metadata["endpointId"] === endpointId("pe-blob").toLowerCase());
    expect(blob).toBeDefined();
    if (blob === undefined) return;
    fx.emulator.control.putRecordSet({ zoneId: zoneId(BLOB_ZONE), type: "A", name: blob.name, ipv4Addresses: blob.ipv4Addresses, metadata: { creator: "created by private DNS zone group" } });
    const plan = await planScope(fx.clients, config, { policy, zoneResourceGroupIds: config.dnsZoneResourceGroupIds });
    expect(plan.servedByZoneGroup).toContain(`${blob.name}.${BLOB_ZONE}`);
    expect(plan.changes.create.filter((r) => r.name === blob.name && r.zone === BLOB_ZONE)).toEqual([]);
    expect(plan.changes.conflicts.filter((c) => c.record.name === blob.name)).toEqual([]);
  });
});
