import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bicepParams, INFRA_DIR, readBicep } from "./bicepText";

const template = readBicep("managementGroup.bicep");

describe("infra/managementGroup.bicep", () => {
  it("deploys at a management group and grants the scope reader and the approver there", () => {
    expect(template).toMatch(/^targetScope = 'managementGroup'$/m);
    const loaded = [...template.matchAll(/loadJsonContent\('([^']+)'\)/g)].map((m) => m[1]).sort();
    expect(loaded).toEqual(["roles/privatelink-approver.json", "roles/privatelink-scope-reader.json"]);
    expect(template).toMatch(/assignableScopes: \[\s+managementGroup\(\)\.id\s+\]/);
    expect(template).toMatch(/resource assignments 'Microsoft\.Authorization\/roleAssignments@[\d-]+' = \[for \(role, i\) in roles:[^]*?roleDefinitionId: definitions\[i\]\.id[^]*?principalType: 'ServicePrincipal'/);
  });

  it("describes each parameter, and docs/operations.md shows how to deploy it", () => {
    const params = bicepParams(template);
    expect(params.map((p) => p.name).sort()).toEqual(["environmentName", "principalId"]);
    expect(params.filter((p) => !p.decorators.some((d) => d.startsWith("@description("))).map((p) => p.name)).toEqual([]);
    const operations = readFileSync(resolve(INFRA_DIR, "..", "docs", "operations.md"), "utf8");
    expect(operations).toMatch(/az deployment mg create --management-group-id \S+ --location \S+ \\\n\s+--template-file infra\/managementGroup\.bicep/);
  });
});
