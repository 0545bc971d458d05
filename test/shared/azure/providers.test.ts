import { describe, expect, it } from "vitest";
import { LINK_PROVIDERS } from "../../../shared/azure/providers";
import { SERVICE_ZONES, zonesFor } from "../../../shared/dns/zones";
import { PRIVATE_LINK_SERVICES } from "@privatelink-autopilot/arm-emulator";

const lower = (s: string) => s.toLowerCase();

describe("the provider registry (shared/azure/providers.ts)", () => {
  it("has, for every type, its ARM facts and its zone rules", () => {
    for (const p of LINK_PROVIDERS) {
      expect(p.apiVersion, p.resourceType).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(["PUT", "PATCH"], p.resourceType).toContain(p.updateMethod);
      expect(SERVICE_ZONES.some((s) => lower(s.resourceType) === lower(p.resourceType)), `${p.resourceType} has no zone rules in shared/dns/zones.ts`).toBe(true);
    }
    expect(new Set(LINK_PROVIDERS.map((p) => lower(p.resourceType))).size).toBe(LINK_PROVIDERS.length);
  });

  it("marks exactly the types the emulator serves as emulated, and every other one explicitly as not run end to end", () => {
    const served = PRIVATE_LINK_SERVICES.map((s) => lower(s.resourceType)).sort();
    expect(LINK_PROVIDERS.filter((p) => p.emulated).map((p) => lower(p.resourceType)).sort()).toEqual(served);
    for (const p of LINK_PROVIDERS) expect(typeof p.emulated, p.resourceType).toBe("boolean");
  });

  it("maps every group id the emulator issues for an emulated type to its zones", () => {
    for (const service of PRIVATE_LINK_SERVICES) {
      for (const group of service.groups) expect(zonesFor(service.resourceType, group.groupId), `${service.resourceType} ${group.groupId}`).toBeDefined();
    }
  });
});
