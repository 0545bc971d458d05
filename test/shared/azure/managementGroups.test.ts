import { beforeEach, describe, expect, it } from "vitest";
import { ArmRequestError } from "../../../shared/azure/errors";
import { listManagementGroupSubscriptions, managementGroupIdOf, subscriptionIdOfDescendant } from "../../../shared/azure/managementGroups";
import { SUB, SUB2, useEmulator } from "./fixture";

const SUB3 = "33333333-3333-4333-8333-333333333333";
const SUB4 = "44444444-4444-4444-8444-444444444444";
const SUB5 = "55555555-5555-4555-8555-555555555555";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

describe("managementGroupIdOf", () => {
  it("takes a bare id or the group's full resource id", () => {
    expect(managementGroupIdOf("mg-landing-zones")).toBe("mg-landing-zones");
    expect(managementGroupIdOf("/providers/microsoft.management/managementGroups/Corp(Prod)_1/")).toBe("Corp(Prod)_1");
  });

  it("refuses what cannot be a management group id, saying what is expected", () => {
    for (const bad of ["", "mg/child", "trailing.", "a".repeat(91), "/subscriptions/x"]) {
      expect(() => managementGroupIdOf(bad), bad).toThrow(/is not a management group id; expected e\.g\. mg-landing-zones/);
    }
  });
});

describe("subscriptionIdOfDescendant", () => {
  it("reads a subscription in either spelling of its type, lower case, and skips groups", () => {
    expect(subscriptionIdOfDescendant({ type: "Microsoft.Management/managementGroups/subscriptions", name: SUB.toUpperCase() })).toBe(SUB);
    expect(subscriptionIdOfDescendant({ type: "/subscriptions", name: SUB2 })).toBe(SUB2);
    expect(subscriptionIdOfDescendant({ type: "Microsoft.Management/managementGroups", name: "mg-child" })).toBeUndefined();
    expect(subscriptionIdOfDescendant("not an item")).toBeUndefined();
  });

  it("refuses a subscription item whose name is not a GUID", () => {
    expect(() => subscriptionIdOfDescendant({ type: "/subscriptions", name: "Production" })).toThrow(/expected a subscription GUID/);
  });
});

describe("listManagementGroupSubscriptions against the emulator", () => {
  // Two items a page, so every group below pages.
  const fx = useEmulator(2);

  beforeEach(() => {
    // mg-root > mg-platform (SUB) > mg-landing-zones (SUB2, SUB3) > mg-corp (SUB4); mg-sandbox (SUB5) beside mg-root.
    fx.emulator.control.seed({
      subscriptions: [],
      managementGroups: [
        { id: "mg-corp", parent: "mg-landing-zones", subscriptions: [SUB4] },
        { id: "mg-root", displayName: "Contoso" },
        { id: "mg-platform", parent: "mg-root", subscriptions: [SUB] },
        { id: "mg-landing-zones", parent: "mg-platform", subscriptions: [SUB3, SUB2.toUpperCase()] },
        { id: "mg-empty", parent: "mg-root" },
        { id: "mg-sandbox", subscriptions: [SUB5] },
      ],
    });
  });

  it("lists the subscriptions of nested groups at every depth, across pages, sorted and lower case", async () => {
    const before = fx.clients.requestCount();
    expect(await listManagementGroupSubscriptions(fx.clients, "mg-root")).toEqual([SUB, SUB2, SUB3, SUB4].sort());
    // mg-root's descendants: 4 groups and 4 subscriptions, two a page.
    expect(fx.clients.requestCount() - before).toBe(4);
    expect(await listManagementGroupSubscriptions(fx.clients, "/providers/Microsoft.Management/managementGroups/mg-landing-zones")).toEqual([SUB2, SUB3, SUB4].sort());
  });

  it("answers an empty list for a group with no subscriptions beneath it", async () => {
    expect(await listManagementGroupSubscriptions(fx.clients, "mg-empty")).toEqual([]);
  });

  it("lists under the tenant root group the subscriptions no group holds, too", async () => {
    fx.emulator.control.seed({ subscriptions: [{ id: "66666666-6666-4666-8666-666666666666" }] });
    const all = await listManagementGroupSubscriptions(fx.clients, TENANT);
    expect(all).toEqual([SUB, SUB2, SUB3, SUB4, SUB5, "66666666-6666-4666-8666-666666666666"].sort());
  });

  it("says clearly that an unknown group does not exist, naming it", async () => {
    const error: unknown = await listManagementGroupSubscriptions(fx.clients, "mg-missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArmRequestError);
    expect((error as ArmRequestError).statusCode).toBe(404);
    expect((error as Error).message).toMatch(/^listManagementGroupSubscriptions: management group "mg-missing" was not found \(HTTP 404 NotFound\); expected the id \(not the display name\)/);
  });

  it("goes through the retrying pipeline: a passing 503 costs a retry, not the answer", async () => {
    fx.emulator.control.injectFault({ method: "GET", path: "mg-landing-zones/descendants", sequence: [{ type: "error", status: 503 }] });
    expect(await listManagementGroupSubscriptions(fx.clients, "mg-landing-zones")).toEqual([SUB2, SUB3, SUB4].sort());
  });

});
