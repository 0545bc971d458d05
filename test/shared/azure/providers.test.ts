import { describe, expect, it } from "vitest";
import { LINK_PROVIDERS } from "../../../shared/azure/providers";
import { SERVICE_ZONES, zonesFor } from "../../../shared/dns/zones";
import { PRIVATE_LINK_SERVICES } from "@privatelink-autopilot/arm-emulator";

const lower = (s: string) => s.toLowerCase();

describe("the provider registry (shared/azure/providers.ts)", () => {
  it("has, for every type, its ARM facts and its zone rules, a zone for each of its group ids", () => {
    for (const p of LINK_PROVIDERS) {
      expect(p.apiVersion, p.resourceType).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(["PUT", "PATCH"], p.resourceType).toContain(p.updateMethod);
      expect(typeof p.listsConnections, p.resourceType).toBe("boolean");
      const rows = SERVICE_ZONES.filter((s) => lower(s.resourceType) === lower(p.resourceType));
      expect(rows.length, `${p.resourceType} has no zone rules in shared/dns/zones.ts`).toBeGreaterThan(0);
      for (const groupId of rows.flatMap((s) => s.groupIds)) {
        const zones = zonesFor(p.resourceType, groupId)?.rules.map((r) => r.zone) ?? [];
        expect(zones.length, `${p.resourceType} ${groupId}`).toBeGreaterThan(0);
        for (const zone of zones) expect(zone, `${p.resourceType} ${groupId}`).toMatch(/^privatelink[.-]/);
      }
    }
    expect(new Set(LINK_PROVIDERS.map((p) => lower(p.resourceType))).size).toBe(LINK_PROVIDERS.length);
  });

  it("says for every type whether it runs end to end: emulated, or explicitly not", () => {
    for (const p of LINK_PROVIDERS) expect(Object.hasOwn(p, "emulated") && typeof p.emulated === "boolean", p.resourceType).toBe(true);
  });

  it("marks exactly the types the emulator serves as emulated, and every other one explicitly as not run end to end", () => {
    const served = PRIVATE_LINK_SERVICES.map((s) => lower(s.resourceType)).sort();
    expect(LINK_PROVIDERS.filter((p) => p.emulated).map((p) => lower(p.resourceType)).sort()).toEqual(served);
  });

  it("maps every group id the emulator issues for an emulated type to its zones", () => {
    for (const service of PRIVATE_LINK_SERVICES) {
      for (const group of service.groups) expect(zonesFor(service.resourceType, group.groupId), `${service.resourceType} ${group.groupId}`).toBeDefined();
    }
  });
});
