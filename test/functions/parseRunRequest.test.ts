import { describe, expect, it } from "vitest";
import { parseRunRequest } from "../../functions/runs";
import { loadConfig } from "../../shared/config";

const SPOKE = "22222222-2222-2222-2222-222222222222";
const config = loadConfig({
  AUTOPILOT_SUBSCRIPTIONS: `11111111-1111-1111-1111-111111111111,${SPOKE}`,
  AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns",
  AUTOPILOT_OWNER_ID: "test",
  AUTOPILOT_POLICY: "rules: []",
});
const PE = `/subscriptions/${SPOKE}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-1`;
const BATCH = `/subscriptions/${SPOKE}/resourceGroups/rg-app/providers/Microsoft.Batch/batchAccounts/batchprod`;

describe("parseRunRequest", () => {
  it("accepts each kind of scope, with dryRun defaulting to false", () => {
    expect(parseRunRequest({ scope: "all" }, config)).toEqual({ scope: "all", dryRun: false });
    expect(parseRunRequest({ scope: { endpointId: PE }, dryRun: true }, config)).toEqual({ scope: { endpointId: PE }, dryRun: true });
    expect(parseRunRequest({ scope: { resourceId: BATCH } }, config)).toEqual({ scope: { resourceId: BATCH }, dryRun: false });
    expect(parseRunRequest({ scope: { subscriptionId: SPOKE } }, config)).toEqual({ scope: { subscriptionId: SPOKE }, dryRun: false });
  });

  it("accepts a Batch zone migration for one region or all, and refuses anything else as a region", () => {
    expect(parseRunRequest({ scope: { batchZoneMigration: "eastus" }, dryRun: true }, config)).toEqual({ scope: { batchZoneMigration: "eastus" }, dryRun: true });
    expect(parseRunRequest({ scope: { batchZoneMigration: "all" } }, config)).toEqual({ scope: { batchZoneMigration: "all" }, dryRun: false });
    for (const region of ["East US", "eastus/../x", "", "EASTUS"]) {
      expect(parseRunRequest({ scope: { batchZoneMigration: region } }, config)).toBe('scope.batchZoneMigration: expected "all" or a region name like eastus');
    }
  });

  it("says what a scope must look like when it is wrong", () => {
    expect(parseRunRequest({ scope: "everything" }, config)).toMatch(/^scope: expected "all", \{ "endpointId"/);
    expect(parseRunRequest({}, config)).toMatch(/^scope: expected "all"/);
    expect(parseRunRequest("all", config)).toMatch(/^body: /);
  });

  it("names a wrongly typed or unknown field", () => {
    expect(parseRunRequest({ scope: "all", dryRun: "yes" }, config)).toBe('dryRun: expected true or false');
    expect(parseRunRequest({ scope: "all", dryrun: true }, config)).toMatch(/dryrun/);
  });

  it("refuses an endpoint id that is not a private endpoint, and a malformed id", () => {
    expect(parseRunRequest({ scope: { endpointId: BATCH } }, config)).toBe("scope.endpointId: expected a Microsoft.Network/privateEndpoints id, got a Microsoft.Batch/batchAccounts id");
    expect(parseRunRequest({ scope: { resourceId: "batchprod" } }, config)).toMatch(/^scope: Invalid ARM resource id "batchprod"/);
    expect(parseRunRequest({ scope: { resourceId: `${BATCH}/privateEndpointConnections/c1` } }, config)).toMatch(/^scope.resourceId: expected the id of a PaaS resource/);
    // A private endpoint is not a PaaS resource: it would start a resource run over nothing.
    const endpoint = BATCH.replace("Microsoft.Batch/batchAccounts/batchprod", "Microsoft.Network/privateEndpoints/pe-batch");
    expect(parseRunRequest({ scope: { resourceId: endpoint } }, config)).toMatch(/^scope: Resource type "Microsoft.Network\/privateEndpoints" .* has no Private Link provider entry; supported types: Microsoft.Batch\/batchAccounts/);
  });

  it("refuses ids with '..' segments or characters ARM does not allow, naming the id", () => {
    const sneaky = `/subscriptions/${SPOKE}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/../../../../11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns/providers/Microsoft.Network/privateEndpoints/pe`;
    expect(parseRunRequest({ scope: { endpointId: sneaky } }, config)).toBe(`scope: Invalid ARM resource id ${JSON.stringify(sneaky)}: it has a '.' or '..' segment; expected /subscriptions/{guid}[/resourceGroups/{name}[/providers/{Namespace}/{type}/{name}[/{childType}/{childName}]...]]`);
    expect(parseRunRequest({ scope: { endpointId: `${PE}?api-version=1` } }, config)).toMatch(/^scope: Invalid ARM resource id .*: it holds "\?", which ARM does not allow in resource ids/);
  });

  it("refuses ids outside the configured subscriptions", () => {
    const foreign = PE.replace(SPOKE, "33333333-3333-3333-3333-333333333333");
    expect(parseRunRequest({ scope: { endpointId: foreign } }, config)).toMatch(/is outside the configured subscriptions/);
    expect(parseRunRequest({ scope: { subscriptionId: "33333333-3333-3333-3333-333333333333" } }, config)).toMatch(/is outside the configured subscriptions/);
  });

  it("checks ids against the resolved scope and says a management group is part of it", () => {
    const resolved = { subscriptionIds: [SPOKE], managementGroupId: "mg-landing-zones" };
    expect(parseRunRequest({ scope: { endpointId: PE } }, resolved)).toEqual({ scope: { endpointId: PE }, dryRun: false });
    expect(parseRunRequest({ scope: { subscriptionId: "11111111-1111-1111-1111-111111111111" } }, resolved)).toBe(
      `scope: /subscriptions/11111111-1111-1111-1111-111111111111 is outside the configured subscriptions (${SPOKE}; management group mg-landing-zones included)`,
    );
    const many = { subscriptionIds: Array.from({ length: 7 }, (_, i) => `0000000${i}-0000-0000-0000-000000000000`) };
    expect(parseRunRequest({ scope: { endpointId: PE } }, many)).toMatch(/\(00000000-.*00000004-0000-0000-0000-000000000000 and 2 more\)$/);
  });
});
