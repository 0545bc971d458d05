import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Settings } from "../../shared/config";
import { bicepOutputs, bicepParams, INFRA_DIR, readBicep } from "./bicepText";

const main = readBicep("main.bicep");
const params = bicepParams(main);
const parametersFile = JSON.parse(readFileSync(resolve(INFRA_DIR, "main.parameters.json"), "utf8")) as { parameters: Record<string, { value: unknown }> };
const mapped = Object.entries(parametersFile.parameters).map(([name, { value }]) => {
  const match = /^\$\{(\w+)(?:=(.*))?\}$/.exec(String(value));
  return { name, variable: match?.[1], fallback: match?.[2] };
});

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? jsonFilesUnder(path) : path.endsWith(".json") ? [path] : [];
  });
}

describe("infra JSON files", () => {
  it.each(jsonFilesUnder(INFRA_DIR).map((p) => relative(INFRA_DIR, p)))("%s parses", (file) => {
    expect(() => JSON.parse(readFileSync(resolve(INFRA_DIR, file), "utf8")) as unknown).not.toThrow();
  });

  it("include the role, filter and policy files main.bicep and eventgrid.bicep load", () => {
    const loaded = [...`${main}\n${readBicep("eventgrid.bicep")}`.matchAll(/load(?:Json|Text)Content\('([^']+)'\)/g)].map((m) => m[1] ?? "");
    expect(loaded.sort()).toEqual(["abbreviations.json", "eventgrid.filters.json", "policy.json", "roles/privatelink-approver.json", "roles/privatelink-dns-writer.json"]);
    for (const file of loaded) expect(() => statSync(resolve(INFRA_DIR, file))).not.toThrow();
  });
});

describe("main.bicep parameters", () => {
  it("are each described", () => {
    expect(params.filter((p) => !p.decorators.some((d) => d.startsWith("@description("))).map((p) => p.name)).toEqual([]);
  });

  it("without a default are all supplied by main.parameters.json", () => {
    const required = params.filter((p) => p.defaultText === undefined).map((p) => p.name);
    expect(required.filter((name) => !(name in parametersFile.parameters))).toEqual([]);
  });

  it("are the only names main.parameters.json supplies", () => {
    const names = new Set(params.map((p) => p.name));
    expect(Object.keys(parametersFile.parameters).filter((name) => !names.has(name))).toEqual([]);
  });

  it("take app settings from azd variables named like the app settings", () => {
    const settingNames = new Set<string>(Object.values(Settings));
    const fromAutopilot = mapped.filter((m) => m.variable?.startsWith("AUTOPILOT_"));
    expect(fromAutopilot.length).toBeGreaterThanOrEqual(8);
    expect(fromAutopilot.filter((m) => !settingNames.has(m.variable ?? "")).map((m) => m.variable)).toEqual([]);
  });

  it("fall back to the same defaults in main.parameters.json as in main.bicep", () => {
    for (const { name, fallback } of mapped.filter((m) => m.fallback !== undefined)) {
      const param = params.find((p) => p.name === name);
      expect(param?.defaultText?.replace(/^'(.*)'$/, "$1"), name).toBe(fallback);
    }
  });

  it("are each listed in docs/operations.md", () => {
    const operations = readFileSync(resolve(INFRA_DIR, "..", "docs", "operations.md"), "utf8");
    expect(params.map((p) => p.name).filter((name) => !operations.includes(`\`${name}\``))).toEqual([]);
  });

  it("give the sweep alert the interval the default sweep schedule has", () => {
    const schedule = params.find((p) => p.name === "sweepSchedule")?.defaultText ?? "";
    const minutes = /^'0 \*\/(\d+) \* \* \* \*'$/.exec(schedule)?.[1];
    expect(params.find((p) => p.name === "sweepIntervalMinutes")?.defaultText).toBe(minutes);
  });

  it("default to a dry run, so that a first deployment changes nothing", () => {
    expect(params.find((p) => p.name === "dryRun")?.defaultText).toBe("true");
  });
});

describe("main.bicep roles and outputs", () => {
  it("assigns the approver per watched subscription and the DNS writer per DNS zone resource group", () => {
    expect(main).toMatch(/module approverAssignments 'app\/subscriptionRoleAssignment\.bicep' = \[for sub in watched: \{[^]*?scope: subscription\(sub\)/);
    expect(main).toMatch(/module dnsWriterAssignments 'app\/resourceGroupRoleAssignment\.bicep' = \[for group in dnsZoneGroups: \{[^]*?scope: resourceGroup\(group\.subscriptionId, group\.name\)/);
    expect(main).toMatch(/assignableScopes: map\(watched, s => '\/subscriptions\/\$\{s\}'\)/);
  });

  it("outputs every value the postdeploy hook needs besides azd's own", async () => {
    const hook = await import("../../infra/hooks/postdeploy.mjs");
    let message = "";
    try {
      hook.readHookEnv({});
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    const needed = [...message.matchAll(/^\s+(\w+): missing/gm)].map((m) => m[1] ?? "");
    expect(needed.length).toBeGreaterThan(5);
    const providedByAzd = ["AZURE_ENV_NAME", "AZURE_SUBSCRIPTION_ID"];
    const outputs = new Set(bicepOutputs(main));
    expect(needed.filter((name) => !providedByAzd.includes(name) && !outputs.has(name))).toEqual([]);
  });
});
