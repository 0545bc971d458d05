import { describe, expect, it } from "vitest";
import { conflictLine, decisionLine, recordLine, shortConnectionName, shortName } from "../../orchestrations/changeLine";
import type { Decision } from "../../shared/domain";

const STORAGE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stdata";
const CONNECTION = `${STORAGE}/privateEndpointConnections/pe-blob.1234`;
const ENDPOINT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-blob";
const decision = (action: Decision["action"]): Decision => ({ action, ruleName: "platform", reason: "a platform subscription", description: "d" });

describe("change lines", () => {
  it("names a connection by its resource and its own name, and an endpoint by its name", () => {
    expect(shortConnectionName(CONNECTION)).toBe("stdata/pe-blob.1234");
    expect(shortConnectionName(CONNECTION.toLowerCase())).toBe("stdata/pe-blob.1234");
    expect(shortName(ENDPOINT)).toBe("pe-blob");
    expect(shortConnectionName("/not/a/connection")).toBe("connection");
  });

  it("starts a decision with its verb, then the connection, the endpoint and the rule", () => {
    expect(decisionLine(decision("approve"), CONNECTION, ENDPOINT)).toBe("approve stdata/pe-blob.1234 from pe-blob (rule platform: a platform subscription)");
    expect(decisionLine(decision("reject"), CONNECTION, ENDPOINT)).toMatch(/^reject stdata\/pe-blob\.1234 /);
    expect(decisionLine(decision("leavePending"), CONNECTION, ENDPOINT)).toMatch(/^leave stdata\/pe-blob\.1234 /);
  });

  it("marks what a dry run would write, and only that", () => {
    expect(decisionLine(decision("approve"), CONNECTION, ENDPOINT, { dryRun: true })).toMatch(/ \[dry run\]$/);
    expect(decisionLine(decision("leavePending"), CONNECTION, ENDPOINT, { dryRun: true })).not.toContain("dry run");
    const record = { zone: "privatelink.blob.core.windows.net", name: "stdata", type: "A", value: "10.0.0.4", endpointId: ENDPOINT.toLowerCase() };
    expect(recordLine("delete", record, { dryRun: true })).toBe("delete A stdata.privatelink.blob.core.windows.net 10.0.0.4 (pe-blob) [dry run]");
  });

  it("names a record's type, FQDN, value and endpoint", () => {
    const record = { zone: "privatelink.blob.core.windows.net", name: "stdata", type: "A", value: "10.0.0.4", endpointId: ENDPOINT.toLowerCase() };
    expect(recordLine("create", record)).toBe("create A stdata.privatelink.blob.core.windows.net 10.0.0.4 (pe-blob)");
    expect(recordLine("update", { ...record, endpointId: undefined })).toBe("update A stdata.privatelink.blob.core.windows.net 10.0.0.4");
    expect(conflictLine(record, "heldByEndpoint", "held by pe-other")).toBe("conflict A stdata.privatelink.blob.core.windows.net 10.0.0.4 (pe-blob): heldByEndpoint: held by pe-other");
  });
});
