import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTable } from "../../local/demoTable";
import { demoEstate, OWNER, startStack } from "../e2e/stack";
import type { Stack } from "../e2e/stack";

describe("demoTable: where the demo ended", () => {
  let stack: Stack;
  let lines: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ estate: await demoEstate() });
    await stack.run("all");
    lines = demoTable(stack.emulator.control.snapshot());
  }, 120_000);
  afterAll(async () => {
    await stack.close();
  });

  const columns = (line: string | undefined) => (line ?? "").split(/ {2,}/);

  it("lists every connection by short name with its state and the rule that decided it", () => {
    const connections = lines.slice(0, lines.indexOf(""));
    expect(columns(connections[0])).toEqual(["CONNECTION", "STATE", "RULE"]);
    const { connections: all } = stack.emulator.control.snapshot();
    expect(connections.length - 1).toBe(all.length);
    const rows = connections.slice(1).map(columns);
    expect(rows).toContainEqual([expect.stringMatching(/^batchprod\/pe-batchprod-account\./), "Approved", expect.stringMatching(/\S/)]);
    // A connection nobody decided names no rule.
    for (const row of rows) if (row[1] === "Pending") expect(row[2]).toBe("-");
  });

  it("lists every name with its value, the endpoint that owns it and its owner, and marks names that are not ours", () => {
    const names = lines.slice(lines.indexOf("") + 1).map(columns);
    expect(names[0]).toEqual(["NAME", "TYPE", "VALUE", "ENDPOINT", "OWNER"]);
    expect(names.length - 1).toBe(stack.emulator.control.snapshot().recordSets.length);
    expect(names).toContainEqual(["batchprod.eastus.privatelink.batch.azure.com", "A", expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), "pe-batchprod-account", OWNER]);
    expect(names).toContainEqual(["legacyshare.privatelink.blob.core.windows.net", "A", expect.any(String), "-", "-"]);
  });

  it("aligns its columns and ends no line in spaces", () => {
    for (const line of lines) expect(line).toBe(line.trimEnd());
    const header = lines[0] ?? "";
    for (const line of lines.slice(1, lines.indexOf(""))) expect(line.indexOf("  ")).toBeLessThanOrEqual(header.indexOf("STATE"));
  });
});
