import { describe, expect, it } from "vitest";
import { boundedReport, changesOf, countOf, currentShapeOf, dnsReportOf, emptyDnsReport, mergeDnsReports, newRunReport, runErrorsOf, summarizeRunReport } from "../../orchestrations/runReport";
import { ArmRequestError } from "../../shared/azure/errors";
import type { RunReport } from "../../orchestrations/runReport";
import { dnsRecord } from "../shared/dns/helpers";

const created = dnsRecord("privatelink.batch.azure.com", "batchprod.eastus", { endpoint: "pe-batch" });
const foreign = dnsRecord("privatelink.blob.core.windows.net", "stdata", { metadata: {} });

function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    schemaVersion: 1,
    kind: "endpoint",
    target: "/subscriptions/x/pe",
    dryRun: false,
    startedAt: "2026-11-23T12:00:00.000Z",
    finishedAt: "2026-11-23T12:00:01.000Z",
    rounds: 1,
    notes: [],
    decisions: [{ connectionId: "/c1", endpointId: "/pe", action: "approve", ruleName: "platform", reason: "trusted", outcome: "approved" }],
    dns: dnsReportOf({ create: [created], update: [], delete: [], unchanged: [], conflicts: [{ record: foreign, reason: "unmarked", detail: "a record set without our marker holds the name" }] }),
    errors: [],
    ...overrides,
  };
}

describe("run reports", () => {
  it("summarise what a run did in one line", () => {
    expect(summarizeRunReport(report())).toBe("endpoint run: 1 decisions; changed 1 created, 0 updated, 0 deleted; 0 unchanged; 1 conflicts; 0 errors");
  });

  it("count a connection left Pending as a decision in the summary line, as the text report does", () => {
    const leave = { connectionId: "/c2", endpointId: "/pe2", action: "leavePending" as const, ruleName: "humans", reason: "a person decides", outcome: "leftPending" as const };
    expect(summarizeRunReport(report({ decisions: [leave], dns: dnsReportOf({ create: [], update: [], delete: [], unchanged: [], conflicts: [] }) }))).toBe(
      "endpoint run: 1 decisions; changed 0 created, 0 updated, 0 deleted; 0 unchanged; 0 conflicts; 0 errors",
    );
  });

  it("merge DNS reports by adding them up", () => {
    const one = report().dns;
    const merged = mergeDnsReports([one, one, emptyDnsReport()]);
    expect(merged.created).toHaveLength(2);
    expect(merged.conflicts).toHaveLength(2);
  });

  it("keep the first entries of each list when bounded, count the rest, and still summarise every one", () => {
    const many = report({
      decisions: Array.from({ length: 5 }, (_, i) => ({ connectionId: `/c${i}`, endpointId: "/pe", action: "approve" as const, ruleName: "platform", reason: "trusted", outcome: i < 4 ? ("approved" as const) : ("leftPending" as const) })),
      dns: dnsReportOf({ create: Array.from({ length: 3 }, (_, i) => dnsRecord("privatelink.batch.azure.com", `n${i}`, { endpoint: "pe-batch" })), update: [], delete: [], unchanged: [], conflicts: [] }),
      errors: [{ target: "a", message: "x" }, { target: "b", message: "y" }, { target: "c", message: "z" }],
    });
    const bounded = boundedReport(many, 2);
    expect(bounded.decisions.map((d) => d.connectionId)).toEqual(["/c0", "/c1"]);
    expect(bounded.dns.created.map((r) => r.name)).toEqual(["n0", "n1"]);
    expect(bounded.errors).toHaveLength(3);
    expect(bounded.omitted).toEqual({ decisions: 3, created: 1, carriedOut: 2 });
    expect(summarizeRunReport(bounded)).toBe(summarizeRunReport(many));
    expect(boundedReport(report(), 2)).not.toHaveProperty("omitted");
  });

  it("carry their schema version, and list unchanged records like the other lists (bounded and counted alike)", () => {
    const fresh = newRunReport("sweep", "scope", { dryRun: false, startedAt: new Date(0) });
    expect(fresh.schemaVersion).toBe(1);
    // The fields docs/operations.md "Reading run reports" lists; every list an array.
    expect(Object.keys(fresh).sort()).toEqual(["decisions", "dns", "dryRun", "errors", "finishedAt", "kind", "notes", "rounds", "schemaVersion", "startedAt", "target"]);
    expect(Object.entries(fresh.dns).filter(([, v]) => !Array.isArray(v))).toEqual([]);
    expect(Object.keys(fresh.dns).sort()).toEqual(["adopted", "conflicts", "created", "deleted", "servedByZoneGroup", "skipped", "unchanged", "updated"]);
    const same = dnsRecord("privatelink.batch.azure.com", "same", { endpoint: "pe-batch" });
    const dns = dnsReportOf({ create: [], update: [], delete: [], unchanged: [same, same, same], conflicts: [] });
    expect(dns.unchanged[0]).toEqual({ zone: "privatelink.batch.azure.com", name: "same", type: "A", value: same.ipv4Addresses.join(","), endpointId: same.metadata["endpointId"] });
    expect(mergeDnsReports([dns, dns]).unchanged).toHaveLength(6);
    const bounded = boundedReport(report({ dns }), 2);
    expect(bounded.dns.unchanged).toHaveLength(2);
    expect(bounded.omitted).toEqual({ unchanged: 1 });
    expect(summarizeRunReport(bounded)).toContain("; 3 unchanged;");
  });

  it("list adopted records, count them as record changes, bound them like the other lists, and read older reports without them", () => {
    const adopted = dnsRecord("privatelink.blob.core.windows.net", "stdata", { endpoint: "pe-blob" });
    const dns = dnsReportOf({ create: [], update: [], delete: [], unchanged: [], conflicts: [], adopt: [1, 2, 3].map(() => ({ before: foreign, after: adopted })) });
    expect(dns.adopted?.[0]).toMatchObject({ name: "stdata", endpointId: adopted.metadata["endpointId"] });
    expect(changesOf(report({ decisions: [], dns })).records).toBe(3);
    const bounded = boundedReport(report({ dns }), 2);
    expect([bounded.dns.adopted?.length, bounded.omitted?.adopted, countOf(bounded, "adopted")]).toEqual([2, 1, 3]);
    const older = { ...report(), dns: { ...report().dns, adopted: undefined } } as unknown as RunReport;
    expect([countOf(older, "adopted"), changesOf(older).records]).toEqual([0, 1]);
  });

  it("bound what clients get per changed name (resolution) like the other lists, and merge it", () => {
    const entry = (name: string) => ({ zone: "privatelink.blob.core.windows.net", name, change: "delete" as const, answers: [{ virtualNetworkId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub", answer: "nxdomain" as const }] });
    const dns = { ...dnsReportOf({ create: [], update: [], delete: [], unchanged: [], conflicts: [] }), resolution: [entry("a"), entry("b"), entry("c")] };
    const bounded = boundedReport(report({ dns }), 2);
    expect(bounded.dns.resolution?.map((r) => r.name)).toEqual(["a", "b"]);
    expect(bounded.omitted).toEqual({ resolution: 1 });
    expect(mergeDnsReports([dns, dnsReportOf({ create: [], update: [], delete: [], unchanged: [], conflicts: [] }), dns]).resolution).toHaveLength(6);
    expect(boundedReport(report(), 2).dns).not.toHaveProperty("resolution");
  });

  it("read a report from before schemaVersion 1, which counted unchanged records in a number, in the current shape", () => {
    const old = { ...report(), dns: { ...report().dns, unchanged: 7 } } as unknown as RunReport;
    const current = currentShapeOf(old);
    expect(current).toMatchObject({ schemaVersion: 1, dns: { unchanged: [] }, omitted: { unchanged: 7 } });
    expect(summarizeRunReport(current)).toContain("; 7 unchanged;");
    expect(currentShapeOf(report())).toEqual(report());
  });

  it("keep an error's status and code, one error per inner error of an AggregateError", () => {
    const denied = new ArmRequestError("listRecordSets on /z failed (HTTP 503 ServerBusy): busy", "listRecordSets", 503, "ServerBusy");
    expect(runErrorsOf("/z", denied)).toEqual([{ target: "/z", message: denied.message, status: 503, code: "ServerBusy" }]);
    expect(runErrorsOf("dns", new AggregateError([denied, new Error("plain")], "2 failed"))).toEqual([
      { target: "dns", message: denied.message, status: 503, code: "ServerBusy" },
      { target: "dns", message: "plain" },
    ]);
  });
});
