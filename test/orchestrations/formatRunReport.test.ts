import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { formatRunReport, shortNameOf } from "../../orchestrations/formatRunReport";
import { boundedReport, dnsReportOf, newRunReport, runErrorsOf } from "../../orchestrations/runReport";
import type { RunReport } from "../../orchestrations/runReport";
import { PermissionDeniedError } from "../../shared/azure/errors";
import { ownershipMetadata } from "../../shared/dns/ownership";
import { dnsRecord } from "../shared/dns/helpers";

const SUB = "/subscriptions/0b6f3f3e-1c2d-4e5f-8a9b-c0d1e2f3a4b5";
const BATCH = `${SUB}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/contosobatch`;
const VAULT = `${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-prod`;
const ML = `${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlws`;
const endpoint = (name: string) => `${SUB}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/${name}`;
const OWNER = "contoso-connectivity";

function ours(zone: string, name: string, ip: string, endpointName: string, target: string) {
  return dnsRecord(zone, name, { ips: [ip], metadata: ownershipMetadata(OWNER, endpoint(endpointName), [target]) });
}

/** The report of docs/operations.md's sample: one of everything a text report shows. */
function sampleReport(): RunReport {
  const report = newRunReport("sweep", "scope", { dryRun: false, startedAt: new Date("2026-11-30T02:15:00.412Z"), reason: "timer" });
  report.finishedAt = "2026-11-30T02:15:03.108Z";
  report.decisions = [
    { connectionId: `${BATCH}/privateEndpointConnections/pe-batch.6f1c`, endpointId: endpoint("pe-batch"), action: "approve", ruleName: "platform-batch", reason: "Batch accounts of the platform team", outcome: "approved" },
    { connectionId: `${VAULT}/privateEndpointConnections/pe-kv.0a2b`, endpointId: endpoint("pe-kv"), action: "leavePending", ruleName: "keyvault-for-humans", reason: "Key Vault connections need a person", outcome: "leftPending" },
  ];
  const vaultZone = "privatelink.vaultcore.azure.net";
  report.dns = dnsReportOf(
    {
      create: [
        ours("privatelink.batch.azure.com", "contosobatch.westeurope", "10.1.2.4", "pe-batch", BATCH),
        ours("privatelink.batch.azure.com", "contosobatch.westeurope.service", "10.1.2.5", "pe-batch", BATCH),
      ],
      update: [],
      delete: [ours("privatelink.api.azureml.ms", "mlws.westeurope", "10.1.3.7", "pe-ml-old", ML)],
      unchanged: [ours(vaultZone, "kv-test", "10.1.2.8", "pe-kv-test", VAULT)],
      conflicts: [
        {
          record: ours(vaultZone, "kv-prod", "10.1.2.9", "pe-kv2", VAULT),
          reason: "unmarked",
          detail: "a record set without our marker holds the name",
          current: dnsRecord(vaultZone, "kv-prod", { ips: ["10.9.9.9"], metadata: {} }),
        },
      ],
    },
    [{ fqdn: "mlws.api.azureml.ms", reason: "missingZone", detail: "belongs in privatelink.api.azureml.ms, which is not among the zones in use" }],
    ["mystorage.blob.core.windows.net"],
  );
  const denied = new PermissionDeniedError("denied", "setConnectionState", ["Microsoft.Batch/batchAccounts/privateEndpointConnections/write"], `${BATCH}/privateEndpointConnections/pe-x.1`);
  Object.assign(denied, { code: "AuthorizationFailed" });
  report.errors = runErrorsOf(`${BATCH}/privateEndpointConnections/pe-x.1`, denied);
  return report;
}

/** The text block that follows "The text report of a sweep" in docs/operations.md. */
function documentedSample(): string {
  const doc = readFileSync(resolve(__dirname, "../../docs/operations.md"), "utf8");
  const section = doc.slice(doc.indexOf("### Reading run reports"));
  const block = /The text report of a sweep[^\n]*\n(?:[^\n]*\n)*?```text\n([\s\S]*?)```/.exec(section);
  if (block?.[1] === undefined) throw new Error("docs/operations.md: no text report sample under 'Reading run reports'");
  return block[1].trimEnd();
}

describe("text run reports", () => {
  it("print exactly the sample docs/operations.md shows", () => {
    expect(formatRunReport(sampleReport())).toBe(documentedSample());
  });

  it("put what needs a person first: connections left Pending, conflicts with who holds the name, errors with the missing RBAC action", () => {
    const text = formatRunReport(sampleReport());
    const needs = text.slice(text.indexOf("needs a person (3):"), text.indexOf("\n\n", text.indexOf("needs a person")));
    expect(needs).toMatch(/leave +kv-prod\/pe-kv\.0a2b {2}rule keyvault-for-humans/);
    expect(needs).toMatch(/conflict +A kv-prod\.privatelink\.vaultcore\.azure\.net -> 10\.1\.2\.9 {2}for pe-kv2: held by a record set without our marker -> 10\.9\.9\.9/);
    expect(needs).toMatch(/error +contosobatch\/pe-x\.1: the app's identity lacks Microsoft\.Batch\/batchAccounts\/privateEndpointConnections\/write \(HTTP 403 AuthorizationFailed\)/);
    expect(text.indexOf("needs a person")).toBeLessThan(text.indexOf("resource contosobatch:"));
  });

  it("list a decision whose write failed under what needs a person, with what ARM answered", () => {
    const report = sampleReport();
    report.decisions.push({ connectionId: `${ML}/privateEndpointConnections/pe-ml.77`, endpointId: endpoint("pe-ml"), action: "approve", ruleName: "ml", reason: "ML workspaces", outcome: "failed", detail: "denied (403 AuthorizationFailed)" });
    const text = formatRunReport(report);
    expect(text).toContain("needs a person (4):\n  leave     kv-prod/pe-kv.0a2b  rule keyvault-for-humans: Key Vault connections need a person\n  fail      mlws/pe-ml.77  rule ml: ML workspaces (denied (403 AuthorizationFailed))\n");
    expect(text.split("\n")[0]).toMatch(/^sweep run: 3 decisions \(1 approved, 1 left Pending, 1 failed\);/);
  });

  it("say who holds a conflicting name: another deployment by its owner id, another endpoint by its name", () => {
    const zone = "privatelink.vaultcore.azure.net";
    const report = newRunReport("endpoint", endpoint("pe-kv2"), { dryRun: false, startedAt: new Date(0) });
    const wanted = ours(zone, "kv-prod", "10.1.2.9", "pe-kv2", VAULT);
    report.dns = dnsReportOf({
      create: [],
      update: [],
      delete: [],
      unchanged: [],
      conflicts: [
        { record: wanted, reason: "otherOwner", detail: "d", current: dnsRecord(zone, "kv-prod", { ips: ["10.7.7.7"], metadata: ownershipMetadata("team-b", endpoint("pe-b")) }) },
        { record: wanted, reason: "heldByEndpoint", detail: "d", current: ours(zone, "kv-prod", "10.1.2.3", "PE-KV1", VAULT) },
      ],
    });
    const text = formatRunReport(report);
    expect(text).toContain("for pe-kv2: held by another deployment of the app (owner team-b) -> 10.7.7.7\n");
    expect(text).toContain("for pe-kv2: held by endpoint pe-kv1 -> 10.1.2.3");
  });

  it("say what clients in each VNet linked to a changed name's zone get: the address, NXDOMAIN, or the public endpoint by fallback", () => {
    const report = sampleReport();
    const vnet = (name: string) => `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;
    report.dryRun = true;
    report.dns.resolution = [
      { zone: "privatelink.api.azureml.ms", name: "mlws.westeurope", change: "delete", answers: [{ virtualNetworkId: vnet("vnet-hub"), answer: "publicByFallback" }, { virtualNetworkId: vnet("vnet-spoke"), answer: "nxdomain" }] },
      { zone: "privatelink.batch.azure.com", name: "contosobatch.westeurope", change: "create", answers: [{ virtualNetworkId: vnet("vnet-hub"), answer: "privateAddress", value: "10.1.2.4" }] },
    ];
    const text = formatRunReport(report).split("\n");
    const at = text.indexOf("what clients in each linked VNet get (2):");
    expect(text.slice(at, at + 3)).toEqual([
      "what clients in each linked VNet get (2):",
      "  clients         mlws.westeurope.privatelink.api.azureml.ms after delete: vnet-hub the public endpoint (NxDomainRedirect), vnet-spoke NXDOMAIN",
      "  clients         contosobatch.westeurope.privatelink.batch.azure.com after create: vnet-hub 10.1.2.4",
    ]);
    expect(formatRunReport(sampleReport())).not.toContain("what clients");
  });

  it("count a left-Pending decision as a decision", () => {
    expect(formatRunReport(sampleReport()).split("\n")[0]).toMatch(/^sweep run: 2 decisions \(1 approved, 1 left Pending\);/);
  });

  it("group changes by resource and name each record's endpoint by its short name, with no full ids", () => {
    const text = formatRunReport(sampleReport());
    expect(text).toContain("resource contosobatch:\n  approve   contosobatch/pe-batch.6f1c  rule platform-batch: Batch accounts of the platform team\n  create    A contosobatch.westeurope.privatelink.batch.azure.com -> 10.1.2.4  for pe-batch");
    expect(text).toContain("resource mlws:\n  delete    A mlws.westeurope.privatelink.api.azureml.ms -> 10.1.3.7  for pe-ml-old");
    expect(text).not.toContain("/subscriptions/");
  });

  it("read 'would' for every change in a dry run, and count what a bounded sweep left out", () => {
    const dry = { ...sampleReport(), dryRun: true };
    dry.decisions = dry.decisions.map((d) => (d.outcome === "approved" ? { ...d, outcome: "wouldApprove" as const } : d));
    dry.dns = { ...dry.dns, unchanged: [...dry.dns.unchanged, ...dry.dns.unchanged] };
    const text = formatRunReport(boundedReport(dry, 1));
    expect(text.split("\n")[0]).toBe("sweep run (dry run): 2 decisions (1 would approve, 1 not listed); 2 would be created, 0 would be updated, 1 would be deleted, 2 unchanged; 1 conflict; 1 error");
    expect(text).toContain("  would approve   contosobatch/pe-batch.6f1c");
    expect(text).toContain("  would create    A contosobatch.westeurope.privatelink.batch.azure.com");
    expect(text).toMatch(/\.\.\. 1 more decisions \(one log line each\)\n\.\.\. 1 more created \(one log line each\)$/);
    expect(text).not.toContain("more unchanged");
  });

  it("shorten ids to <resource>/<child> or the resource's name, in lower case, and leave other text alone", () => {
    expect(shortNameOf(`${BATCH}/privateEndpointConnections/PE-Batch.6f1c`)).toBe("contosobatch/pe-batch.6f1c");
    expect(shortNameOf(endpoint("PE-ML"))).toBe("pe-ml");
    expect(shortNameOf(SUB)).toBe("0b6f3f3e-1c2d-4e5f-8a9b-c0d1e2f3a4b5");
    expect(shortNameOf("A x.privatelink.batch.azure.com")).toBe("A x.privatelink.batch.azure.com");
  });
});
