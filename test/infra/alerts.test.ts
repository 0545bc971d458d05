import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLog } from "../../orchestrations/runLog";
import { newRunReport, summarizeRunReport } from "../../orchestrations/runReport";
import { emptyEstate, HUB, SPOKE, startStack } from "../e2e/stack";
import type { Stack } from "../e2e/stack";
import { INFRA_DIR, readBicep } from "./bicepText";
import { applyParses, kqlParses, passesWhere } from "./kql";

const query = (name: string) => readFileSync(resolve(INFRA_DIR, "alerts", `${name}.kql`), "utf8");
const alertsBicep = readBicep("app/alerts.bicep");

const STORAGE = `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
const KEYVAULT = `/subscriptions/${SPOKE}/resourceGroups/rg-security/providers/Microsoft.KeyVault/vaults/kv-secrets`;
const BLOB_ZONE = `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;

/** The rows a query's parses produce from the app's log lines, after its Message filters. */
function rowsOf(name: string, messages: string[]): Record<string, string>[] {
  const text = query(name);
  const rows: Record<string, string>[] = [];
  for (const Message of messages.filter((m) => passesWhere(text, { Message: m }))) {
    const row = applyParses(text, { Message });
    if (row !== undefined && passesWhere(text, row)) rows.push(row);
  }
  return rows;
}

describe("the alert queries (infra/alerts/*.kql) read the lines the app really writes", () => {
  let stack: Stack;
  let messages: string[] = [];
  let keyVaultConnection = "";

  beforeAll(async () => {
    stack = await startStack({ estate: await emptyEstate() });
    // A name the Storage endpoint needs is held by a record we do not own: a conflict.
    stack.emulator.control.putRecordSet({ zoneId: BLOB_ZONE, type: "A", name: "stdata", ipv4Addresses: ["10.9.9.9"] });
    const create = (name: string, target: string, groupIds: string[]) =>
      stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name, targetResourceId: target, groupIds, manual: true });
    create("pe-blob", STORAGE, ["blob"]);
    const vault = create("pe-kv", KEYVAULT, ["vault"]);
    await stack.settle();
    await stack.run("all");
    messages = stack.logs.map((entry) => entry.message);
    keyVaultConnection = stack.emulator.control.snapshot().connections.find((c) => c.endpointId.toLowerCase() === vault.id.toLowerCase())?.id ?? "";
  }, 120_000);

  afterAll(async () => {
    await stack.close();
  });

  it("run errors: every run's last line parses to its error count", () => {
    const rows = rowsOf("runErrors", messages);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row["errors"], row["Message"]).toMatch(/^\d+$/);
    // The line a run with an error writes (runReport.summarizeRunReport through runLog) is caught too.
    const failed = newRunReport("endpoint", "/x", { dryRun: false, startedAt: new Date(0) });
    failed.errors.push({ target: "/x", message: "boom" });
    expect(rowsOf("runErrors", [runLog("run-1", "/x", summarizeRunReport(failed))])).toEqual([expect.objectContaining({ errors: "1", runId: "run-1", resourceId: "/x" })]);
    // A message that merely mentions errors is not a run's last line.
    expect(rowsOf("runErrors", [runLog("run-1", "/x", "error A x.zone: 3 errors")])).toEqual([]);
  });

  it("sweep missing: a finished sweep writes the line the query counts", () => {
    const rows = rowsOf("sweepMissing", messages);
    expect(rows.length).toBe(1);
    expect(rows[0]?.["text"]).toMatch(/^sweep run: /);
  });

  it("conflicts grew: a whole-scope sweep's line parses to its conflict count", () => {
    const rows = rowsOf("conflictsGrew", messages);
    expect(rows.map((row) => row["conflicts"])).toEqual(["1"]);
  });

  it("pending too long: the policy's leave line names the connection and its endpoint", () => {
    const rows = rowsOf("pendingTooLong", messages);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const row of rows) {
      expect(row["connectionId"]?.toLowerCase()).toBe(keyVaultConnection.toLowerCase());
      expect(row["connection"]).toMatch(/^kv-secrets\//);
      expect(row["endpoint"]).toBe("pe-kv");
      expect(row["ruleName"]).toBe("keyvault-for-humans");
    }
  });

  it("dead letters: the query looks in the container Event Grid dead-letters to", () => {
    const container = /var deadLetterContainerName = '([^']+)'/.exec(readBicep("main.bicep"))?.[1];
    expect(container).toBe("eventgrid-deadletter");
    expect(query("deadLetters")).toContain('Uri has "/{deadLetterContainer}/"');
    expect(alertsBicep).toMatch(/name: '\{deadLetterContainer\}'\s+value: deadLetterContainer/);
  });
});

describe("infra/app/alerts.bicep", () => {
  const files = readdirSync(resolve(INFRA_DIR, "alerts")).filter((f) => f.endsWith(".kql"));

  it("loads every query in infra/alerts, once", () => {
    const loaded = [...alertsBicep.matchAll(/loadTextContent\('\.\.\/alerts\/([^']+)'\)/g)].map((m) => m[1]);
    expect(loaded.sort()).toEqual(files.sort());
  });

  it("fills every {placeholder} the queries use", () => {
    const used = new Set(files.flatMap((f) => [...readFileSync(resolve(INFRA_DIR, "alerts", f), "utf8").matchAll(/\{(\w+)\}/g)].map((m) => m[1])));
    const filled = new Set([...alertsBicep.matchAll(/name: '\{(\w+)\}'/g)].map((m) => m[1]));
    expect([...used].filter((p) => !filled.has(p))).toEqual([]);
  });

  it("parses each query's log lines with patterns the test understands", () => {
    for (const f of files.filter((name) => !name.startsWith("deadLetters"))) expect(kqlParses(readFileSync(resolve(INFRA_DIR, "alerts", f), "utf8")).length, f).toBeGreaterThan(0);
  });

  it("notifies the action group when one is given, and no one otherwise", () => {
    expect(alertsBicep).toMatch(/actionGroups: empty\(actionGroupId\) \? \[\] : \[\s+actionGroupId\s+\]/);
    expect(alertsBicep).toMatch(/actions: actions/);
  });
});
