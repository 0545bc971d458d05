import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SWEEP_SCHEDULE, loadConfig, Settings } from "../../../shared/config";
import { loadPolicy } from "../../../shared/policy";
import { bicepParams, INFRA_DIR, readBicep } from "../bicepText";
import { NODE_WORKER_ARGUMENTS } from "../../../shared/nodeWorkerArguments";

/** Settings that only make sense against the local ARM emulator; Azure must never get them. */
const LOCAL_ONLY: readonly string[] = [Settings.armEndpoint, Settings.armCaFile, Settings.armStaticToken];
const api = readBicep("app/api.bicep");
/** api.bicep's settings objects: `var hostSettings = {...}`, the Durable Task Scheduler's, and `var autopilotSettings = union(...)`. */
const settingBlocks = [/^var hostSettings = \{$[^]*?^\}$/m, /^var durableTaskSchedulerSettings = [^]*?^ {4}\}$/m, /^var autopilotSettings = union\($[^]*?^\)$/m].map((re) => re.exec(api)?.[0] ?? "");
/** Every `NAME:` key written in those objects. */
const settingKeys = new Set(settingBlocks.flatMap((block) => [...block.matchAll(/(?:^|[{\s])([A-Za-z][A-Za-z0-9_]*):\s/gm)].map((m) => m[1] ?? "")));
const ALL_BICEP = ["main.bicep", "eventgrid.bicep", "managementGroup.bicep", ...["api", "identity", "storage", "monitoring", "rbac", "subscriptionRoleDefinition", "resourceGroupRoleDefinition", "subscriptionRoleAssignment", "resourceGroupRoleAssignment", "eventGridSubscription", "eventGridTopic", "durableTaskScheduler"].map((m) => `app/${m}.bicep`)];

describe("the Function App's settings in infra/app/api.bicep", () => {
  it("are found in the file (the test reads the right blocks)", () => {
    expect(settingBlocks.every((block) => block !== "")).toBe(true);
    expect(settingKeys.size).toBeGreaterThanOrEqual(18);
  });

  it("set every app setting the app reads, except the local-only ones", () => {
    const needed = Object.values(Settings).filter((s) => !LOCAL_ONLY.includes(s));
    expect(needed.filter((s) => !settingKeys.has(s))).toEqual([]);
  });

  it("never set the emulator-only settings, in any Bicep file", () => {
    for (const file of ALL_BICEP) {
      const text = readBicep(file);
      expect(LOCAL_ONLY.filter((s) => text.includes(s)), file).toEqual([]);
    }
  });

  it("connect to host storage and Application Insights through the user-assigned identity", () => {
    for (const key of [
      "AzureWebJobsStorage__credential",
      "AzureWebJobsStorage__clientId",
      "AzureWebJobsStorage__blobServiceUri",
      "AzureWebJobsStorage__queueServiceUri",
      "AzureWebJobsStorage__tableServiceUri",
      "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
      "AZURE_CLIENT_ID",
    ]) {
      expect(settingKeys.has(key), key).toBe(true);
    }
    expect(api).toMatch(/AzureWebJobsStorage__credential: 'managedidentity'/);
    expect(api).toMatch(/AzureWebJobsStorage__clientId: identityClientId/);
    expect(api).toMatch(/AZURE_CLIENT_ID: identityClientId/);
    expect(api).toMatch(/APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=\$\{identityClientId\};Authorization=AAD'/);
    expect(api).toMatch(/type: 'UserAssignedIdentity'\s+userAssignedIdentityResourceId: identityResourceId/);
    expect(settingKeys.has("AzureWebJobsStorage")).toBe(false);
  });

  it("run the Node worker with the flags the bench measures (shared/nodeWorkerArguments.ts)", () => {
    expect(settingKeys.has("languageWorkers__node__arguments")).toBe(true);
    expect(api).toContain(`languageWorkers__node__arguments: '${NODE_WORKER_ARGUMENTS.join(" ")}'`);
  });

  it("use no storage key or instrumentation key anywhere", () => {
    for (const file of ALL_BICEP) {
      const text = readBicep(file);
      expect(text, file).not.toMatch(/AccountKey|InstrumentationKey|listServiceSas|listAccountSas/);
      // The only key read is the Event Grid extension's system key, for the webhook URL.
      const listKeys = [...text.matchAll(/listKeys\([^)]*\)[.\w]*/g)].map((m) => m[0]);
      expect(listKeys, file).toEqual(file === "eventgrid.bicep" ? ["listKeys('${site.id}/host/default', '2024-04-01').systemKeys.eventgrid_extension"] : []);
    }
  });

  it("set every %SETTING% that host.json refers to", () => {
    const host = readFileSync(resolve(INFRA_DIR, "..", "host.json"), "utf8");
    const referenced = [...host.matchAll(/%(\w+)%/g)].map((m) => m[1] ?? "");
    expect(referenced.length).toBeGreaterThan(0);
    expect(referenced.filter((name) => !settingKeys.has(name))).toEqual([]);
  });

  it("run Node 22 on Flex Consumption, a Node version package.json's engines admits, with the settings Flex rejects left out", () => {
    expect(api).toMatch(/name: 'FC1'\s+tier: 'FlexConsumption'/);
    expect(api).toMatch(/runtime: \{\s+name: 'node'\s+version: '22'/);
    const engines = (JSON.parse(readFileSync(resolve(INFRA_DIR, "..", "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
    expect(engines.split("||").map((range) => range.trim())).toContain("^22.12.0");
    expect(settingKeys.has("FUNCTIONS_WORKER_RUNTIME")).toBe(false);
    expect(settingKeys.has("FUNCTIONS_EXTENSION_VERSION")).toBe(false);
  });

  it("write the dry-run flag in the lower case the app accepts, not ARM's string(bool)", () => {
    expect(api).toMatch(/AUTOPILOT_DRY_RUN: dryRun \? 'true' : 'false'/);
    expect(api).not.toMatch(/string\(dryRun\)/);
  });
});

describe("docs/configuration.md", () => {
  const doc = readFileSync(resolve(INFRA_DIR, "..", "docs", "configuration.md"), "utf8");
  const rowOf = (name: string) => doc.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));

  it("has a row for every app setting the app reads, with its default and an example", () => {
    for (const name of Object.values(Settings)) {
      expect(rowOf(name), name).toBeDefined();
      expect(rowOf(name)?.split(" | ").length, name).toBe(4);
    }
  });

  it("marks the emulator-only settings as local only, and no other", () => {
    for (const name of Object.values(Settings)) expect(rowOf(name)?.includes("**Local only.**"), name).toBe(LOCAL_ONLY.includes(name));
  });

  it("lists every host setting infra adds", () => {
    const appSettings = Object.values(Settings) as string[];
    const hostKeys = [...settingKeys].filter((k) => !appSettings.includes(k));
    expect(hostKeys.length).toBeGreaterThanOrEqual(9);
    // The three service URIs share a row: `AzureWebJobsStorage__blobServiceUri`, `__queueServiceUri`, ...
    for (const key of hostKeys) expect(doc.includes(`\`${key}\``) || doc.includes(`\`${key.replace("AzureWebJobsStorage", "")}\``), key).toBe(true);
  });

  it("lists the hook's Event Grid variables", () => {
    const hook = readFileSync(resolve(INFRA_DIR, "hooks", "postdeploy.mjs"), "utf8");
    const variables = [...new Set([...hook.matchAll(/env\.(EVENTGRID_\w+)|"(EVENTGRID_[A-Z_]+)"/g)].map((m) => m[1] ?? m[2] ?? ""))].filter((v) => v !== "EVENTGRID_DEADLETTER_CONTAINER");
    expect(variables.length).toBe(3);
    for (const variable of variables) expect(rowOf(variable), variable).toBeDefined();
  });
});

describe("the settings infra writes, read back by the app", () => {
  const policy = readFileSync(resolve(INFRA_DIR, "policy.json"), "utf8");
  const defaults = Object.fromEntries(bicepParams(readBicep("main.bicep")).map((p) => [p.name, p.defaultText]));
  const unquote = (text: string | undefined) => (text ?? "").replace(/^'(.*)'$/, "$1");
  // What api.bicep produces from main.bicep's defaults: lists joined with ',', policy as compact JSON.
  const appSettings = {
    [Settings.subscriptions]: "0b6f3f3e-1c2d-4e5f-8a9b-c0d1e2f3a4b5,8f3c2a1e-5b4d-4c6e-9a7f-0123456789ab",
    [Settings.dnsZoneResourceGroups]: "/subscriptions/3c9d2e1f-7a6b-4c5d-9e8f-a0b1c2d3e4f5/resourceGroups/rg-dns",
    [Settings.ownerId]: "plautopilot-prod",
    [Settings.sweepSchedule]: unquote(defaults["sweepSchedule"]),
    [Settings.recordTtl]: defaults["recordTtl"],
    [Settings.dryRun]: defaults["dryRun"],
    [Settings.sweepConcurrency]: defaults["sweepConcurrency"],
    [Settings.policy]: JSON.stringify(JSON.parse(policy)),
  };

  it("form a valid configuration, dry run on", () => {
    const config = loadConfig(appSettings);
    expect(config.dryRun).toBe(true);
    expect(config.subscriptionIds).toHaveLength(2);
    expect(config.policy).toEqual({ text: appSettings[Settings.policy] });
    expect(config.arm.endpoint).toBe("https://management.azure.com");
  });

  it("keep the app's own defaults for the schedule, TTL and concurrency", () => {
    const minimal = loadConfig({ ...appSettings, [Settings.sweepSchedule]: undefined, [Settings.recordTtl]: undefined, [Settings.sweepConcurrency]: undefined });
    const written = loadConfig(appSettings);
    expect(written.sweepSchedule).toBe(DEFAULT_SWEEP_SCHEDULE);
    expect(written.recordTtl).toBe(minimal.recordTtl);
    expect(written.sweepConcurrency).toBe(minimal.sweepConcurrency);
  });

  it("would be refused with ARM's capitalised bool, which is why api.bicep spells it out", () => {
    expect(() => loadConfig({ ...appSettings, [Settings.dryRun]: "True" })).toThrow(/AUTOPILOT_DRY_RUN/);
  });

  it("carry a default policy that loads and decides nothing by itself", () => {
    const loaded = loadPolicy(appSettings[Settings.policy] ?? "", { format: "json", source: "infra/policy.json" });
    expect(loaded.defaultAction).toBe("leavePending");
    expect(loaded.rules).toEqual([]);
    expect(appSettings[Settings.policy]).not.toMatch(/\n/);
  });
});
