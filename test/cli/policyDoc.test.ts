import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/main";
import { KNOWN_RESOURCE_TYPES, knownGroupIds, loadPolicy, ORPHANED_CONNECTION_ACTIONS } from "../../shared/policy";
import { LINK_PROVIDERS } from "../../shared/azure/providers";
import { withProviderTable } from "../../scripts/writeProviderDocs";

const ROOT = resolve(__dirname, "..", "..");

async function doc(): Promise<string> {
  return readFile(join(ROOT, "docs", "policy.md"), "utf8");
}

/** The fenced block that follows an HTML comment marker in docs/policy.md. */
function blockAfter(text: string, marker: string): string {
  const match = new RegExp(`<!-- ${marker.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} -->\\n\`\`\`\\w+\\n([^]*?)\`\`\``).exec(text);
  if (match?.[1] === undefined) throw new Error(`docs/policy.md has no block after <!-- ${marker} -->`);
  return match[1];
}

async function cli(...argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runCli(argv, {}, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { code, text: `${lines.join("\n")}\n` };
}

describe("docs/policy.md says what the code does", () => {
  it("lists the known resource types as the provider registry and the zone table say (run `npm run docs:types` and commit)", async () => {
    const text = await doc();
    expect(text).toBe(withProviderTable(text));
  });

  it("lists every known type with the group ids the loader accepts and whether it runs end to end", async () => {
    const table = /<!-- known-types:start[^\n]*\n([^]*?)<!-- known-types:end -->/.exec(await doc())?.[1] ?? "";
    const rows = table
      .split("\n")
      .slice(2)
      .filter((row) => row.startsWith("|"))
      .map((row) => row.split("|").slice(1, -1).map((cell) => cell.trim()));
    const groupIdsOf = (cell = "") => cell.split("<br>").flatMap((line) => (line.split(": ")[0] ?? "").split(", ").map((g) => g.replace(/`/g, "")));
    const documented = rows.map(([type, apiVersion, , zones, emulated]) => [type?.replace(/`/g, ""), apiVersion?.replace(/`/g, ""), groupIdsOf(zones), emulated?.startsWith("yes")]);
    expect(documented).toEqual(
      KNOWN_RESOURCE_TYPES.map((type) => {
        const provider = LINK_PROVIDERS.find((p) => p.resourceType === type);
        return [type, provider?.apiVersion, knownGroupIds(type), provider?.emulated];
      }),
    );
  });

  it("documents orphanedConnections with the values and the default the loader takes", async () => {
    const row = /^\| `orphanedConnections` \| (.*?) \| `(\w+)` \|/m.exec(await doc());
    expect(row?.[1]?.split(" \\| ").map((v) => v.replace(/`/g, ""))).toEqual([...ORPHANED_CONNECTION_ACTIONS]);
    expect(row?.[2]).toBe(loadPolicy("{}").orphanedConnections);
  });

  it("shows what validate prints for the draft, exit 1", async () => {
    const text = await doc();
    const dir = await mkdtemp(join(tmpdir(), "plautopilot-doc-"));
    try {
      const draft = join(dir, "draft.yaml");
      await writeFile(draft, blockAfter(text, "draft.yaml: invalid on purpose"));
      const { code, text: printed } = await cli("validate", draft);
      expect(code).toBe(1);
      expect(printed.replaceAll(draft, "draft.yaml")).toBe(blockAfter(text, "validate-output"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("shows what explain --facts prints for the example policy", async () => {
    const { code, text: printed } = await cli("explain", "--facts", "examples/policy-tests/cases/ml-workspace.json", "--policy", "examples/policy.yaml");
    expect(code).toBe(0);
    expect(printed).toBe(blockAfter(await doc(), "explain-output"));
  });
});
