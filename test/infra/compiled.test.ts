/**
 * Checks on the ARM JSON the real Bicep compiler produced. `npm run infra:check` builds the templates
 * and runs this file with INFRA_COMPILED_DIR set; in a plain `npm test` (no Bicep CLI) it is skipped.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROLE_FILES } from "../../infra/scripts/writeRoles";
import type { RoleDefinitionFile } from "../../infra/scripts/writeRoles";
import type { PermissionScope } from "../../shared/azure/operations";
import { Settings } from "../../shared/config";

const compiledDir = process.env["INFRA_COMPILED_DIR"];

interface ArmResource {
  type: string;
  name: string;
  dependsOn?: string[];
  copy?: { name: string; count: string };
  properties?: Record<string, unknown> & { template?: ArmTemplate; parameters?: Record<string, { value?: unknown }> };
  scope?: string;
  condition?: string;
}
interface ArmTemplate {
  parameters?: Record<string, { type: string; defaultValue?: unknown }>;
  variables?: Record<string, unknown>;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, { type: string; value: unknown }>;
}

function compiled(name: string): ArmTemplate {
  return JSON.parse(readFileSync(join(compiledDir ?? "", name), "utf8")) as ArmTemplate;
}

/** Resources of a template (symbolic-name templates keep them in an object). */
function resourcesOf(template: ArmTemplate): ArmResource[] {
  return Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
}

/** Every resource in the template and in its nested deployments' templates. */
function allResources(template: ArmTemplate): ArmResource[] {
  return resourcesOf(template).flatMap((r) => [r, ...(r.properties?.template !== undefined ? allResources(r.properties.template) : [])]);
}

/** The nested deployment `name` (a module), by its literal name or the copy loop's name. */
function moduleNamed(template: ArmTemplate, name: string): ArmResource {
  const found = resourcesOf(template).find((r) => r.type === "Microsoft.Resources/deployments" && (r.name === name || r.copy?.name === name || r.name.includes(`'${name}`)));
  if (found === undefined) throw new Error(`no module ${name} in the compiled template`);
  return found;
}

/** The literal value a variable resolves to through `[variables('$fxv#N')]` (loadJsonContent). */
function variableValue(template: ArmTemplate, name: string): unknown {
  const value = template.variables?.[name];
  const indirect = typeof value === "string" ? /^\[variables\('([^']+)'\)\]$/.exec(value) : null;
  return indirect !== null ? template.variables?.[indirect[1] ?? ""] : value;
}

/** The keys of every `createObject('KEY', value, ...)` in an ARM expression: its literal even arguments. */
function createObjectKeys(expression: string): string[] {
  const keys: string[] = [];
  for (let at = expression.indexOf("createObject("); at >= 0; at = expression.indexOf("createObject(", at + 1)) {
    const args: string[] = [];
    let depth = 0;
    let quoted = false;
    let current = "";
    for (const char of expression.slice(at + "createObject(".length)) {
      if (char === "'") quoted = !quoted;
      if (!quoted && char === "(") depth++;
      if (!quoted && char === ")" && depth-- === 0) break;
      if (!quoted && depth === 0 && char === ",") {
        args.push(current.trim());
        current = "";
      } else current += char;
    }
    args.push(current.trim());
    keys.push(...args.filter((_, i) => i % 2 === 0).flatMap((arg) => /^'([^']+)'$/.exec(arg)?.[1] ?? []));
  }
  return keys;
}

const committedRole = (scope: PermissionScope) => JSON.parse(readFileSync(ROLE_FILES[scope], "utf8")) as RoleDefinitionFile;
const snapshot = JSON.parse(readFileSync(resolve(__dirname, "..", "..", "infra", "roles", "azure-operations.json"), "utf8")) as { namespaces: Record<string, { actions: string[] }> };
const published = new Set(Object.values(snapshot.namespaces).flatMap((n) => n.actions.map((a) => a.toLowerCase())));

describe.skipIf(compiledDir === undefined)("the compiled ARM templates (npm run infra:check)", () => {
  const main = compiledDir === undefined ? ({ resources: [] } as ArmTemplate) : compiled("main.json");
  const managementGroup = compiledDir === undefined ? ({ resources: [] } as ArmTemplate) : compiled("managementGroup.json");

  it("define the custom roles with exactly the committed role files' actions, each in Azure's published operations", () => {
    expect((variableValue(main, "approverRole") as RoleDefinitionFile).actions).toEqual(committedRole("watchedSubscriptions").actions);
    expect((variableValue(main, "dnsWriterRole") as RoleDefinitionFile).actions).toEqual(committedRole("dnsZoneResourceGroups").actions);
    expect((variableValue(managementGroup, "scopeReaderRole") as RoleDefinitionFile).actions).toEqual(committedRole("managementGroup").actions);
    const definitions = [...allResources(main), ...allResources(managementGroup)].filter((r) => r.type === "Microsoft.Authorization/roleDefinitions");
    expect(definitions.length).toBeGreaterThanOrEqual(3);
    for (const scope of ["watchedSubscriptions", "dnsZoneResourceGroups", "managementGroup"] as const) {
      expect(committedRole(scope).actions.filter((a) => !published.has(a.toLowerCase())), scope).toEqual([]);
    }
  });

  it("assign each custom role only after its definition and the Function App exist", () => {
    for (const [assignments, definition] of [
      ["approverAssignments", "role-approver"],
      ["dnsWriterAssignments", "role-dns-writer"],
    ] as const) {
      const module = moduleNamed(main, assignments);
      const dependsOn = (module.dependsOn ?? []).join("\n");
      expect(dependsOn, assignments).toContain(`'${definition}-`);
      expect(dependsOn, assignments).toContain("'Microsoft.Resources/deployments', 'api')");
      expect(JSON.stringify(module.properties?.parameters?.["roleDefinitionName"]), assignments).toContain(`'${definition}-`);
    }
  });

  it("loop the per-subscription and per-group modules over lists with repeats removed, under names derived from each item", () => {
    expect(main.variables?.["watched"]).toMatch(/^\[union\(/);
    expect(main.variables?.["dnsZoneGroupIds"]).toMatch(/^\[union\(/);
    expect(moduleNamed(main, "approverAssignments").name).toMatch(/uniqueString\(variables\('watched'\)\[copyIndex\(\)\]/);
    expect(moduleNamed(main, "dnsWriterAssignments").name).toMatch(/uniqueString\(variables\('dnsZoneGroups'\)\[copyIndex\(\)\]/);
  });

  it("give the Function App every app setting the app reads (but the emulator-only ones) and Node 22", () => {
    const api = moduleNamed(main, "api").properties?.template as ArmTemplate;
    const text = JSON.stringify(api);
    const keys = new Set(createObjectKeys(text));
    const localOnly: string[] = [Settings.armEndpoint, Settings.armCaFile, Settings.armStaticToken];
    expect(Object.values(Settings).filter((s) => !localOnly.includes(s) && !keys.has(s))).toEqual([]);
    expect(localOnly.filter((s) => text.includes(s))).toEqual([]);
    // The Durable Task Scheduler backend: its settings only when the scheduler module is deployed.
    for (const key of ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__type", "DURABLE_TASK_SCHEDULER_CONNECTION_STRING"]) expect(text, key).toContain(`'${key}'`);
    expect(moduleNamed(main, "durable-task-scheduler").condition).toBe("[equals(parameters('durableBackend'), 'DurableTaskScheduler')]");
    const site = allResources(api).find((r) => r.type === "Microsoft.Web/sites");
    expect((site?.properties?.["functionAppConfig"] as { runtime: unknown }).runtime).toEqual({ name: "node", version: "22" });
  });

  it("send the app's, its storage's and created topics' logs to Log Analytics, and alert on them through the action group parameter", () => {
    const eventgrid = compiled("eventgrid.json");
    const diagnostics = [...allResources(main), ...allResources(eventgrid)].filter((r) => r.type === "Microsoft.Insights/diagnosticSettings");
    const categories = diagnostics.flatMap((d) => [...((d.properties?.["logs"] as { category: string }[] | undefined) ?? []), ...((d.properties?.["metrics"] as { category: string }[] | undefined) ?? [])].map((c) => c.category));
    expect(new Set(categories)).toEqual(new Set(["FunctionAppLogs", "StorageWrite", "StorageDelete", "Transaction", "DeliveryFailures", "AllMetrics"]));
    for (const d of diagnostics) expect(JSON.stringify(d.properties?.["workspaceId"])).toMatch(/logAnalyticsWorkspaceId/);
    const alerts = moduleNamed(main, "alerts");
    const rules = allResources(alerts.properties?.template as ArmTemplate).filter((r) => r.type === "Microsoft.Insights/scheduledQueryRules");
    expect(rules.length).toBe(1);
    expect(rules[0]?.copy?.count).toMatch(/length\(variables\('alerts'\)\)/);
    expect(((alerts.properties?.template as ArmTemplate).variables?.["alerts"] as unknown[]).length).toBe(5);
    expect(JSON.stringify(alerts.properties?.parameters?.["actionGroupId"])).toContain("parameters('alertActionGroupId')");
    expect(main.outputs?.["LOG_ANALYTICS_WORKSPACE_ID"]).toBeDefined();
  });

  it("output every value the postdeploy hook reads from the azd environment", async () => {
    const hook = (await import("../../infra/hooks/postdeploy.mjs")) as { readHookEnv(env: Record<string, string>): unknown };
    let message = "";
    try {
      hook.readHookEnv({});
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    const needed = [...message.matchAll(/^\s+(\w+): missing/gm)].map((m) => m[1] ?? "").filter((n) => !["AZURE_ENV_NAME", "AZURE_SUBSCRIPTION_ID"].includes(n));
    expect(needed.length).toBeGreaterThan(5);
    expect(needed.filter((n) => main.outputs?.[n] === undefined)).toEqual([]);
  });
});
