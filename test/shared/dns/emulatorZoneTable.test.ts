/**
 * The emulator's zone groups write records from its own table of what Azure does; the app plans
 * records from shared/dns/zones. Neither may be the other's oracle, so this test compares them: for
 * every name the emulator issues, both must agree on every zone and record name.
 */
import { describe, expect, it } from "vitest";
import { mapFqdn } from "../../../shared/dns/zones";
import type { PaasResource } from "@privatelink-autopilot/arm-emulator";
import { PRIVATE_LINK_SERVICES, zoneGroupRecordName } from "@privatelink-autopilot/arm-emulator";

const SUB = "0000aaaa-0000-4000-8000-000000000001";

function target(type: string, location: string): PaasResource {
  const name = "contoso01";
  return { id: `/subscriptions/${SUB}/resourceGroups/rg/providers/${type}/${name}`, type, name, subscriptionId: SUB, resourceGroup: "rg", location, tags: {}, workspaceId: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9" };
}

const pair = (zone: string, name: string): string => `${name} in ${zone}`;

describe("the emulator's zone table against the app's", () => {
  for (const service of PRIVATE_LINK_SERVICES) {
    for (const group of service.groups) {
      it(`agrees on every zone and record for ${service.resourceType} ${group.groupId}`, () => {
        for (const location of ["westeurope", "japaneast", "East US 2"]) {
          const resource = target(service.resourceType, location);
          for (const { fqdn } of service.issuedNames(resource, group.groupId)) {
            const emulator = group
              .zoneRules(resource)
              .flatMap((rule) => {
                const name = zoneGroupRecordName(resource, group.groupId, fqdn, rule.zone);
                return name === undefined ? [] : [pair(rule.zone, name)];
              })
              .sort();
            const mapping = mapFqdn(fqdn, service.resourceType, group.groupId);
            const app = mapping.kind === "mapped" ? [mapping.name, ...mapping.legacyNames].map((n) => pair(n.zone, n.name)).sort() : [];
            expect(emulator, `${fqdn} (${location})`).toEqual(app);
            expect(emulator.length, `${fqdn} must land in at least one zone`).toBeGreaterThan(0);
          }
        }
      });
    }
  }
});
