import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..", "..");
const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");

/** The rows of README's "Features" table: each capability's "shown by" cell. */
function shownBy(): string[] {
  const section = /^## Features\n([^]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---") && !line.startsWith("| capability"))
    .map((line) => line.split(" | ").at(-1)?.replace(/ \|$/, "") ?? "");
}

describe("README's feature table", () => {
  it("names, for every capability, a test file and a test in it that exist", () => {
    const rows = shownBy();
    expect(rows.length).toBeGreaterThan(0);
    for (const cell of rows) {
      const match = /^`([^`]+)`: "([^"]+)"/.exec(cell);
      expect(match, cell).not.toBeNull();
      const [, file = "", name = ""] = match ?? [];
      const source = readFileSync(resolve(ROOT, file), "utf8");
      // The cell may give the start of a long test name.
      expect(source.includes(`it("${name}`), `${file} has no test "${name}"`).toBe(true);
    }
  });
});
