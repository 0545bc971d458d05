import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { conflictLine, decisionLine, recordLine } from "../../orchestrations/changeLine";
import { runLog } from "../../orchestrations/runLog";
import { applyParses } from "../infra/kql";

const operations = readFileSync(resolve(__dirname, "..", "..", "docs", "operations.md"), "utf8");
const kusto = [...operations.matchAll(/```kusto\n([\s\S]*?)```/g)].map((m) => m[1] ?? "").join("\n");
/** The docs' query lines that start with `prefix`, as one query the test's KQL subset runs. */
const statement = (prefix: string) => kusto.split("\n").filter((line) => line.startsWith(prefix)).join("\n");

const CONNECTION = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Batch/batchAccounts/batchprod/privateEndpointConnections/pe-batch.1";
const ENDPOINT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-batch";
const RECORD = { zone: "privatelink.batch.azure.com", name: "batchprod.eastus", type: "A", value: "10.0.0.4", endpointId: ENDPOINT.toLowerCase() };

describe("docs/operations.md's log queries read the lines the app writes", () => {
  const runLogs = (text: string, resourceId: string) => applyParses(statement("| parse message with "), { message: runLog("endpoint-pe-batch_20260101T000000000Z", resourceId, text) });

  it("runLogs splits every line into its message, run and resource", () => {
    const row = runLogs(decisionLine({ action: "approve", ruleName: "platform", reason: "ours", description: "" }, CONNECTION, ENDPOINT), CONNECTION);
    expect(row).toMatchObject({ text: "approve batchprod/pe-batch.1 from pe-batch (rule platform: ours)", runId: "endpoint-pe-batch_20260101T000000000Z", resourceId: CONNECTION.toLowerCase() });
  });

  it("the decisions query names the action, connection, endpoint and rule", () => {
    const text = decisionLine({ action: "leavePending", ruleName: "humans", reason: "a person decides", description: "" }, CONNECTION, ENDPOINT);
    expect(applyParses(statement("| parse text with action "), { text })).toMatchObject({ action: "leave", connection: "batchprod/pe-batch.1", endpoint: "pe-batch", rule: "humans" });
  });

  it("the record changes query names the change, type, FQDN and value", () => {
    const parse = (text: string) => applyParses(statement("| parse text with change "), { text });
    expect(parse(recordLine("create", RECORD))).toMatchObject({ change: "create", type: "A", fqdn: "batchprod.eastus.privatelink.batch.azure.com", value: "10.0.0.4" });
    expect(parse(recordLine("adopt", RECORD))).toMatchObject({ change: "adopt", type: "A", fqdn: "batchprod.eastus.privatelink.batch.azure.com", value: "10.0.0.4" });
    expect(parse(conflictLine(RECORD, "heldByEndpoint", "held by pe-other"))).toMatchObject({ change: "conflict", type: "A", value: "10.0.0.4" });
  });
});
