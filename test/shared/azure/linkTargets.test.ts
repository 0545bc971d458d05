import { describe, expect, it } from "vitest";
import { listLinkTargets } from "../../../shared/azure/linkTargets";
import { ArmRequestError } from "../../../shared/azure/errors";
import { LINK_PROVIDERS } from "../../../shared/azure/providers";
import type { LinkProvider } from "../../../shared/azure/providers";
import { STORAGE, SUB, SUB2, endpointId, useEmulator } from "./fixture";

function provider(resourceType: string): LinkProvider {
  const found = LINK_PROVIDERS.find((p) => p.resourceType === resourceType);
  if (found === undefined) throw new Error(`no provider row for ${resourceType}`);
  return found;
}

describe("listLinkTargets against the emulator", () => {
  const fx = useEmulator(2);

  it("lists a type's resources with every connection their list entries carry, across pages", async () => {
    fx.emulator.control.seed({
      subscriptions: [{ id: SUB, resourceGroups: [{ name: "rg-more" }] }],
      resources: ["st2", "st3"].map((name) => ({ type: "Microsoft.Storage/storageAccounts", name, subscriptionId: SUB, resourceGroup: "rg-more", location: "West Europe", tags: { team: name } })),
    });
    const listed = await listLinkTargets(fx.clients, SUB, provider("Microsoft.Storage/storageAccounts"));
    expect(fx.clients.requestCount()).toBe(2);
    expect(listed.map((l) => l.target.id.toLowerCase()).sort()).toEqual([STORAGE, STORAGE.replace("rg-app", "rg-more").replace("stacct", "st2"), STORAGE.replace("rg-app", "rg-more").replace("stacct", "st3")].map((id) => id.toLowerCase()).sort());
    expect(listed.find((l) => l.target.id.endsWith("/st2"))?.target).toMatchObject({ type: "Microsoft.Storage/storageAccounts", location: "westeurope", tags: { team: "st2" } });
    const stacct = listed.find((l) => l.target.id.toLowerCase() === STORAGE.toLowerCase());
    expect(stacct?.connections.map((c) => [c.privateEndpointId.toLowerCase(), c.status]).sort()).toEqual(
      [
        [endpointId("pe-blob").toLowerCase(), "Approved"],
        [endpointId("pe-file").toLowerCase(), "Pending"],
        [endpointId("pe-other-sub", SUB2).toLowerCase(), "Approved"],
      ].sort(),
    );
    expect(stacct?.connections.every((c) => c.resourceId.toLowerCase() === STORAGE.toLowerCase())).toBe(true);
  });

  it("reads a subscription without the type, or without its namespace registered, as holding none", async () => {
    expect(await listLinkTargets(fx.clients, SUB2, provider("Microsoft.Batch/batchAccounts"))).toEqual([]);
    // The emulator hosts no SQL: it answers 409 MissingSubscriptionRegistration, as ARM does for an unregistered namespace.
    expect(await listLinkTargets(fx.clients, SUB, provider("Microsoft.Sql/servers"))).toEqual([]);
  });

  it("refuses a type whose list carries no connections", async () => {
    await expect(listLinkTargets(fx.clients, SUB, provider("Microsoft.Web/sites"))).rejects.toThrow(RangeError);
  });

  it("fails with the operation named when ARM refuses the list", async () => {
    fx.emulator.control.injectFault({ method: "GET", path: "/providers/Microsoft.Storage/storageAccounts", sequence: Array.from({ length: 12 }, () => ({ type: "error" as const, status: 500 as const })) });
    await expect(listLinkTargets(fx.clients, SUB, provider("Microsoft.Storage/storageAccounts"))).rejects.toSatisfy(
      (error: unknown) => error instanceof ArmRequestError && /listLinkTargets/.test(error.message),
    );
  });
});
