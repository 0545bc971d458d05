import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CONNECTION_WRITE_STATUS_ACTIONS, requiredActions } from "../../shared/azure/operations";
import { supportedResourceTypes } from "../../shared/azure/providers";
import type { PermissionScope } from "../../shared/azure/operations";
import { ROLE_FILES, roleDefinitionText } from "../../infra/scripts/writeRoles";
import type { RoleDefinitionFile } from "../../infra/scripts/writeRoles";

const SCOPES = Object.keys(ROLE_FILES) as PermissionScope[];

/** The committed snapshot of Azure's published operations (infra/roles/azure-operations.json). */
interface OperationsSnapshot {
  source: string;
  retrieved: string;
  namespaces: Record<string, { list: string; actions: string[] }>;
}
const snapshot = JSON.parse(readFileSync(resolve(__dirname, "..", "..", "infra", "roles", "azure-operations.json"), "utf8")) as OperationsSnapshot;
/** Azure compares actions case-insensitively. */
const published = new Set(Object.values(snapshot.namespaces).flatMap((n) => n.actions.map((a) => a.toLowerCase())));

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

  it("names only actions in Azure's published operations (Azure rejects a whole role over one unknown action)", () => {
    expect(role.actions.filter((action) => !published.has(action.toLowerCase()))).toEqual([]);
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

  it("lets the approver delete private endpoint connections (orphans, under orphanedConnections: remove) and nothing else", () => {
    const deletes = committedRole("watchedSubscriptions").actions.filter((a) => a.endsWith("/delete"));
    expect(deletes.length).toBeGreaterThan(0);
    expect(deletes.filter((a) => !/^[^/]+\/[^/]+\/privateEndpointConnections\/delete$/.test(a))).toEqual([]);
  });
});

describe("the snapshot of Azure's operations", () => {
  it("names its source and the day it was read", () => {
    expect(snapshot.source).toMatch(/role-based-access-control\/permissions/);
    expect(snapshot.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("covers every namespace the roles name, each action under its own namespace", () => {
    for (const scope of SCOPES) {
      for (const action of committedRole(scope).actions) expect(Object.keys(snapshot.namespaces), action).toContain(action.split("/")[0]);
    }
    for (const [namespace, { actions }] of Object.entries(snapshot.namespaces)) {
      expect(actions.filter((a) => a.split("/")[0]?.toLowerCase() !== namespace.toLowerCase()), namespace).toEqual([]);
    }
  });

  it("has no approval action for Batch, the provider whose list it holds whole", () => {
    expect(snapshot.namespaces["Microsoft.Batch"]?.actions.filter((a) => a.includes("privateEndpointConnectionsApproval"))).toEqual([]);
  });
});

describe("the approver's long-running writes", () => {
  it("names the status reads of every supported provider, so that polling a write is never AuthorizationFailed", () => {
    expect(Object.keys(CONNECTION_WRITE_STATUS_ACTIONS).sort()).toEqual(supportedResourceTypes().sort());
    const approver = committedRole("watchedSubscriptions").actions;
    for (const actions of Object.values(CONNECTION_WRITE_STATUS_ACTIONS)) for (const action of actions) expect(approver).toContain(action);
  });

  it("grants Batch the read of its private endpoint connection results, where its PATCH is polled", () => {
    expect(committedRole("watchedSubscriptions").actions).toContain("Microsoft.Batch/batchAccounts/privateEndpointConnectionResults/read");
  });
});
