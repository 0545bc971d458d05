import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { requiredActions } from "../../shared/azure/operations";
import type { PermissionScope } from "../../shared/azure/operations";
import { ROLE_FILES, roleDefinitionText } from "../../infra/scripts/writeRoles";
import type { RoleDefinitionFile } from "../../infra/scripts/writeRoles";

const SCOPES = Object.keys(ROLE_FILES) as PermissionScope[];

function committedRole(scope: PermissionScope): RoleDefinitionFile {
  return JSON.parse(readFileSync(ROLE_FILES[scope], "utf8")) as RoleDefinitionFile;
}

describe.each(SCOPES)("the committed role for %s", (scope) => {
  const role = committedRole(scope);
  const required = requiredActions(scope);

  it("grants every action the adapters need at that scope", () => {
    const missing = required.filter((action) => !role.actions.includes(action));
    expect(missing, "run `npx tsx infra/scripts/writeRoles.ts`").toEqual([]);
  });

  it("grants no action the adapters do not need", () => {
    const extra = role.actions.filter((action) => !required.includes(action));
    expect(extra, "run `npx tsx infra/scripts/writeRoles.ts`").toEqual([]);
  });

  it("is the generator's output byte for byte", () => {
    expect(readFileSync(ROLE_FILES[scope], "utf8")).toBe(roleDefinitionText(scope));
  });

  it("names the scope it is for and uses no wildcard, data action or exclusion", () => {
    expect(role.assignableScope).toBe(scope);
    expect(role.actions.filter((action) => action.includes("*"))).toEqual([]);
    expect(role.actions.filter((action) => /[{}]/.test(action)), "placeholders left unfilled").toEqual([]);
    expect([role.notActions, role.dataActions, role.notDataActions]).toEqual([[], [], []]);
  });
});

describe("the split between the two roles", () => {
  it("keeps every DNS permission in the DNS writer and none in the approver", () => {
    const approver = committedRole("watchedSubscriptions").actions;
    const dnsWriter = committedRole("dnsZoneResourceGroups").actions;
    expect(approver.filter((a) => a.toLowerCase().startsWith("microsoft.network/privatednszones/"))).toEqual([]);
    expect(dnsWriter.filter((a) => !a.toLowerCase().startsWith("microsoft.network/privatednszones/"))).toEqual([]);
  });

  it("lets the DNS writer delete only the record types it writes", () => {
    const deletes = committedRole("dnsZoneResourceGroups").actions.filter((a) => a.endsWith("/delete"));
    expect(deletes.sort()).toEqual(["Microsoft.Network/privateDnsZones/A/delete", "Microsoft.Network/privateDnsZones/CNAME/delete"]);
  });

  it("never lets the approver delete anything", () => {
    expect(committedRole("watchedSubscriptions").actions.filter((a) => a.endsWith("/delete"))).toEqual([]);
  });
});
