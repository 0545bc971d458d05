import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { orphanLine } from "../../orchestrations/changeLine";
import { formatRunReport } from "../../orchestrations/formatRunReport";
import { boundedReport, changesOf, countOf, newRunReport } from "../../orchestrations/runReport";
import type { OrphanEntry, RunReport } from "../../orchestrations/runReport";

const SUB = "/subscriptions/0b6f3f3e-1c2d-4e5f-8a9b-c0d1e2f3a4b5";
const BATCH = `${SUB}/resourceGroups/rg-data/providers/Microsoft.Batch/batchAccounts/batchprod`;
const STORAGE = `${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
const endpoint = (name: string) => `${SUB}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/${name}`;

const GONE: OrphanEntry = {
  connectionId: `${BATCH}/privateEndpointConnections/pe-batch-old.5f2e`,
  endpointId: endpoint("pe-batch-old"),
  reason: "endpointGone",
  outcome: "reported",
  detail: "its private endpoint is gone (a GET of it answered 404)",
};
const UNKNOWN: OrphanEntry = {
  connectionId: `${STORAGE}/privateEndpointConnections/pe-partner.19ab`,
  endpointId: endpoint("pe-partner"),
  reason: "endpointUnknown",
  outcome: "reported",
  detail: "cannot tell whether its private endpoint is gone, so it is not removed: getPrivateEndpoint ... was denied (403 AuthorizationFailed) ...",
};

function sweepWith(orphans: OrphanEntry[], dryRun = false): RunReport {
  const report = newRunReport("sweep", "scope", { dryRun, startedAt: new Date("2026-11-30T02:15:00.000Z") });
  report.orphanedConnections = orphans;
  return report;
}

/** The text block under "### Orphaned connections" in docs/operations.md. */
function documentedSample(): string {
  const doc = readFileSync(resolve(__dirname, "../../docs/operations.md"), "utf8");
  const section = doc.slice(doc.indexOf("### Orphaned connections"));
  const block = /```text\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error("docs/operations.md: no text sample under 'Orphaned connections'");
  return block.trimEnd();
}

describe("orphaned connections in run reports", () => {
  it("are listed in the text report as docs/operations.md shows, and counted in the summary line before its conflicts and errors (whose end the alerts read)", () => {
    const text = formatRunReport(sweepWith([GONE, UNKNOWN]));
    expect(text).toContain(`\n${documentedSample()}`);
    expect(text.split("\n")[0]).toMatch(/; 2 orphaned connections \(2 reported\); 0 conflicts; 0 errors$/);
    expect(text).toContain("needs a person: nothing");
  });

  it("read 'would remove' in a dry run and 'removed' in a live one; a failed removal needs a person", () => {
    expect(formatRunReport(sweepWith([{ ...GONE, outcome: "wouldRemove" }], true))).toMatch(/\n {2}would remove +batchprod\/pe-batch-old\.5f2e {2}from pe-batch-old \(endpointGone\): /);
    const live = formatRunReport(sweepWith([{ ...GONE, outcome: "removed" }, { ...GONE, connectionId: `${GONE.connectionId}x`, outcome: "failed", error: "denied (403)" }]));
    expect(live.split("\n")[0]).toMatch(/; 2 orphaned connections \(1 removed, 1 failed\); 0 conflicts; 0 errors$/);
    expect(live).toContain("needs a person (1):\n  fail remove batchprod/pe-batch-old.5f2ex  from pe-batch-old (endpointGone): its private endpoint is gone (a GET of it answered 404) (denied (403))\n");
    expect(live).toContain("orphaned connections (1):\n  removed   batchprod/pe-batch-old.5f2e  from pe-batch-old (endpointGone)");
  });

  it("add nothing to a report without any", () => {
    const text = formatRunReport(sweepWith([]));
    expect(text).not.toMatch(/orphan/);
    expect(formatRunReport(newRunReport("endpoint", endpoint("pe"), { dryRun: false, startedAt: new Date(0) }))).not.toMatch(/orphan/);
  });

  it("are bounded like the other lists of a sweep's report, and removals count as connection changes", () => {
    const many = Array.from({ length: 3 }, (_, i) => ({ ...GONE, connectionId: `${GONE.connectionId}${i}`, outcome: "removed" as const }));
    const bounded = boundedReport(sweepWith(many), 2);
    expect(bounded.orphanedConnections).toHaveLength(2);
    expect(bounded.omitted).toEqual({ orphanedConnections: 1 });
    expect(countOf(bounded, "orphanedConnections")).toBe(3);
    expect(changesOf(sweepWith(many)).decisions).toBe(3);
    expect(changesOf(sweepWith([GONE, UNKNOWN])).decisions).toBe(0);
  });

  it("log one line per orphan: orphan when reported, remove when removed (dry run marked, failure said)", () => {
    expect(orphanLine(GONE)).toBe("orphan batchprod/pe-batch-old.5f2e from pe-batch-old (orphaned: its private endpoint is gone (a GET of it answered 404))");
    expect(orphanLine({ ...GONE, outcome: "removed" })).toBe("remove batchprod/pe-batch-old.5f2e from pe-batch-old (orphaned: its private endpoint is gone (a GET of it answered 404))");
    expect(orphanLine({ ...GONE, outcome: "wouldRemove" })).toMatch(/^remove .*\) \[dry run\]$/);
    expect(orphanLine({ ...GONE, outcome: "failed", error: "denied" })).toMatch(/^remove .*\) failed: denied$/);
  });
});
