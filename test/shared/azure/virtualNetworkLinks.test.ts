import { describe, expect, it } from "vitest";
import type { EstateSeed } from "@privatelink-autopilot/arm-emulator";
import { listVirtualNetworkLinks, withVirtualNetworkLinks } from "../../../shared/azure/virtualNetworkLinks";
import { PermissionDeniedError } from "../../../shared/azure/errors";
import { BATCH_ZONE, LEGACY_BATCH_ZONE, RG_DNS2, SUB, SUB2, testEstate, useEmulator, zoneId } from "./fixture";

const vnet = (subscriptionId: string, name: string) => `/subscriptions/${subscriptionId}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;

/** The adapters' estate with the legacy Batch zone linked to three VNets (one falling back to public resolution) and the new one to none. */
function linkedEstate(): EstateSeed {
  const seed = testEstate();
  return {
    ...seed,
    privateDnsZones: (seed.privateDnsZones ?? []).map((z) =>
      z.name === LEGACY_BATCH_ZONE
        ? {
            ...z,
            virtualNetworkLinks: [
              { name: "hub", virtualNetworkId: vnet(SUB, "vnet-hub") },
              { name: "spoke", virtualNetworkId: vnet(SUB2, "vnet"), registrationEnabled: true },
              { name: "clients", virtualNetworkId: vnet(SUB2, "vnet-clients"), resolutionPolicy: "NxDomainRedirect" as const },
            ],
          }
        : z,
    ),
  };
}

describe("listVirtualNetworkLinks against the emulator", () => {
  const fx = useEmulator(2);

  it("lists every link across pages with its VNet, auto-registration and resolution policy", async () => {
    fx.emulator.control.reset();
    fx.emulator.control.seed(linkedEstate());
    const links = await listVirtualNetworkLinks(fx.clients, { id: zoneId(LEGACY_BATCH_ZONE, RG_DNS2), name: LEGACY_BATCH_ZONE });
    expect(links.map(({ name, virtualNetworkId, registrationEnabled, resolutionPolicy, virtualNetworkLinkState }) => ({ name, virtualNetworkId, registrationEnabled, resolutionPolicy, virtualNetworkLinkState })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "clients", virtualNetworkId: vnet(SUB2, "vnet-clients"), registrationEnabled: false, resolutionPolicy: "NxDomainRedirect", virtualNetworkLinkState: "Completed" },
      { name: "hub", virtualNetworkId: vnet(SUB, "vnet-hub"), registrationEnabled: false, resolutionPolicy: "Default", virtualNetworkLinkState: "Completed" },
      { name: "spoke", virtualNetworkId: vnet(SUB2, "vnet"), registrationEnabled: true, resolutionPolicy: "Default", virtualNetworkLinkState: "Completed" },
    ]);
  });

  it("gives an empty list for a zone linked to no VNet", async () => {
    expect(await listVirtualNetworkLinks(fx.clients, { id: zoneId(BATCH_ZONE), name: BATCH_ZONE })).toEqual([]);
  });

  it("names the missing RBAC action when the identity may not read links", async () => {
    fx.emulator.control.injectFault({ method: "GET", path: "/virtualNetworkLinks$", sequence: [{ type: "error", status: 403, code: "AuthorizationFailed" }] });
    const error = await listVirtualNetworkLinks(fx.clients, { id: zoneId(BATCH_ZONE), name: BATCH_ZONE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as Error).message).toContain("Microsoft.Network/privateDnsZones/virtualNetworkLinks/read");
  });

  it("withVirtualNetworkLinks: gives the zones asked for their links (VNet and resolution policy), and leaves the others as given without a request", async () => {
    fx.emulator.control.reset();
    fx.emulator.control.seed(linkedEstate());
    const legacy = { id: zoneId(LEGACY_BATCH_ZONE, RG_DNS2), name: LEGACY_BATCH_ZONE };
    const other = { id: zoneId(BATCH_ZONE), name: BATCH_ZONE };
    fx.emulator.control.resetCounters();
    const [withLinks, without] = await withVirtualNetworkLinks(fx.clients, [legacy, other], { only: [legacy] });
    expect(withLinks?.links?.map((l) => [l.virtualNetworkId, l.resolutionPolicy]).sort()).toEqual([
      [vnet(SUB, "vnet-hub"), "Default"],
      [vnet(SUB2, "vnet"), "Default"],
      [vnet(SUB2, "vnet-clients"), "NxDomainRedirect"],
    ]);
    expect(without).toEqual(other);
    // Two pages of the legacy zone's three links (page size 2); nothing for the other zone.
    expect(fx.emulator.control.counters().operations).toEqual({ "GET privateDnsZones/virtualNetworkLinks:list": 2 });
  });
});
