import { describe, expect, it } from "vitest";
import { dnsReportOf, emptyDnsReport, formatRunReport, mergeDnsReports, summarizeRunReport } from "../../orchestrations/runReport";
import type { RunReport } from "../../orchestrations/runReport";
import { dnsRecord } from "../shared/dns/helpers";

const created = dnsRecord("privatelink.batch.azure.com", "batchprod.eastus", { endpoint: "pe-batch" });
const foreign = dnsRecord("privatelink.blob.core.windows.net", "stdata", { metadata: {} });

function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
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

  it("read as a plan with 'would' in a dry run", () => {
    const text = formatRunReport(report({ dryRun: true }));
    expect(text).toContain("endpoint run (dry run)");
    expect(text).toContain(`would create A batchprod.eastus.privatelink.batch.azure.com -> ${created.ipv4Addresses.join(",")}`);
    expect(text).toContain("conflict A stdata.privatelink.blob.core.windows.net");
  });

  it("name the rule and reason of each decision", () => {
    expect(formatRunReport(report())).toMatch(/approved\s+\/c1\s+rule platform: trusted/);
  });

  it("merge DNS reports by adding them up", () => {
    const one = report().dns;
    const merged = mergeDnsReports([one, one, emptyDnsReport()]);
    expect(merged.created).toHaveLength(2);
    expect(merged.conflicts).toHaveLength(2);
  });
});
