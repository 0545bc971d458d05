import { describe, expect, it } from "vitest";
import { endpointOf, isManagedRecord, isOwnedBy, isOwnershipKey, isZoneGroupRecord, MANAGED_BY, ownerOf, ownershipMetadata, targetsOf } from "../../../shared/dns/ownership";
import { dnsRecord, endpointId, OWNER } from "./helpers";

describe("ownershipMetadata", () => {
  it("marks the record with our name, the owner and the lower-cased endpoint id", () => {
    expect(ownershipMetadata(OWNER, "/subscriptions/X/resourceGroups/RG/providers/Microsoft.Network/privateEndpoints/PE-1")).toEqual({
      managedBy: MANAGED_BY,
      owner: OWNER,
      endpointId: "/subscriptions/x/resourcegroups/rg/providers/microsoft.network/privateendpoints/pe-1",
    });
  });

  it("rejects an empty owner or endpoint id", () => {
    expect(() => ownershipMetadata("", endpointId("pe-1"))).toThrow(TypeError);
    expect(() => ownershipMetadata(OWNER, " ")).toThrow(/expected a private endpoint resource id/);
  });
});

describe("isOwnedBy", () => {
  it("accepts a record with our marker and owner", () => {
    expect(isOwnedBy(dnsRecord("privatelink.blob.core.windows.net", "acct", { endpoint: "pe-1" }), OWNER)).toBe(true);
  });

  it("reads metadata keys case-insensitively", () => {
    const record = dnsRecord("z", "n", { metadata: { ManagedBy: MANAGED_BY, OWNER: OWNER, EndpointID: "/Subscriptions/A" } });
    expect(isOwnedBy(record, OWNER)).toBe(true);
    expect(endpointOf(record)).toBe("/subscriptions/a");
  });

  it("rejects another deployment's record", () => {
    const record = dnsRecord("z", "n", { endpoint: "pe-1", owner: "hub-eus-prod" });
    expect(isOwnedBy(record, OWNER)).toBe(false);
    expect(isManagedRecord(record)).toBe(true);
    expect(ownerOf(record)).toBe("hub-eus-prod");
  });

  it("rejects a record without our marker", () => {
    const record = dnsRecord("z", "n", { metadata: { owner: OWNER, endpointId: endpointId("pe-1") } });
    expect(isOwnedBy(record, OWNER)).toBe(false);
    expect(ownerOf(record)).toBeUndefined();
    expect(endpointOf(record)).toBeUndefined();
  });

  it("treats a zone group's record as foreign even if it carries our marker", () => {
    const record = dnsRecord("z", "n", { metadata: { ...ownershipMetadata(OWNER, endpointId("pe-1")), creator: "created by private endpoint pe-1 with resource guid 1234" } });
    expect(isZoneGroupRecord(record)).toBe(true);
    expect(isOwnedBy(record, OWNER)).toBe(false);
  });
});

describe("endpointOf", () => {
  it("is undefined when our marker has no endpoint id", () => {
    expect(endpointOf(dnsRecord("z", "n", { metadata: { managedBy: MANAGED_BY, owner: OWNER, endpointId: "" } }))).toBeUndefined();
  });
});

describe("isOwnershipKey", () => {
  it("names the three ownership keys in any case, and nothing else", () => {
    expect(["managedBy", "OWNER", "endpointid"].every(isOwnershipKey)).toBe(true);
    expect(["creator", "costCenter"].some(isOwnershipKey)).toBe(false);
  });
});

describe("targetsOf", () => {
  it("names the PaaS resources of the endpoint's approved connections, lower-cased and sorted", () => {
    const metadata = ownershipMetadata(OWNER, endpointId("pe-1"), ["/subscriptions/X/B", "/subscriptions/x/a", "/subscriptions/X/b"]);
    expect(metadata["targetResourceId"]).toBe("/subscriptions/x/a,/subscriptions/x/b");
    expect(targetsOf(dnsRecord("z", "n", { metadata }))).toEqual(["/subscriptions/x/a", "/subscriptions/x/b"]);
  });

  it("finds no target on a record without our marker or without targets", () => {
    expect(targetsOf(dnsRecord("z", "n", { metadata: { targetResourceId: "/subscriptions/x/a" } }))).toEqual([]);
    expect(targetsOf(dnsRecord("z", "n", { metadata: ownershipMetadata(OWNER, endpointId("pe-1")) }))).toEqual([]);
  });
});
