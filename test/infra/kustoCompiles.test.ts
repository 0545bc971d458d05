import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { kustoDiagnostics } from "./kusto";

const ROOT = resolve(__dirname, "../..");
const ALERTS = resolve(ROOT, "infra/alerts");

/** What the alert Bicep fills the placeholders with (test/infra/alerts.test.ts checks every one is filled). */
const SAMPLE_VALUES: Record<string, string> = { sweepWindowMinutes: "30", pendingHours: "24", deadLetterContainer: "deadletters" };

function fill(query: string): string {
  return query.replace(/\{(\w+)\}/g, (whole, name: string) => SAMPLE_VALUES[name] ?? whole);
}

const errorsOf = (query: string) => kustoDiagnostics(query).filter((d) => d.severity === "Error").map((d) => `${d.message} at ${JSON.stringify(query.slice(d.start, d.start + 40))}`);

/** The ```kusto blocks of a Markdown file. */
function kustoBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```kusto\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

describe("Microsoft's KQL parser (Kusto.Language) accepts our queries against the documented table schemas", () => {
  it("rejects a query that names a column the table does not have (the check can fail)", () => {
    expect(errorsOf("AppTraces | where Mesage has 'x'")).toHaveLength(1);
    expect(errorsOf("AppTraces | parse Message with a:long ' ' b | where a > 1 | project TimeGenerated, a, b")).toEqual([]);
  });

  for (const file of readdirSync(ALERTS).filter((f) => f.endsWith(".kql"))) {
    it(`infra/alerts/${file} binds with no error`, () => {
      expect(errorsOf(fill(readFileSync(resolve(ALERTS, file), "utf8")))).toEqual([]);
    });
  }

  it("every query in docs/operations.md binds with no error (the runLogs function defined first)", () => {
    const blocks = kustoBlocks(readFileSync(resolve(ROOT, "docs/operations.md"), "utf8"));
    expect(blocks.length).toBeGreaterThan(0);
    const [first = "", ...rest] = blocks;
    // The first block defines runLogs and then gives queries over it, separated by blank lines.
    const [definition = "", ...queries] = first.split(/\n\s*\n/);
    expect(definition).toMatch(/^let runLogs = /);
    const checked = [...queries, ...rest].map((q) => q.trim()).filter((q) => q !== "");
    expect(checked.length).toBeGreaterThan(3);
    for (const query of checked) expect(errorsOf(`${definition}\n${query}`), query).toEqual([]);
  });
});
