import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DnsRecord } from "../../../shared/domain";
import { withSharedFields } from "../../../shared/dns/shareFields";
import { dnsRecord, OWNER } from "./helpers";
import { ownershipMetadata } from "../../../shared/dns/ownership";

const BLOB = "privatelink.blob.core.windows.net";

const text = fc.constantFrom("a", "b", "acct", "ACCT", "x.y");
const record: fc.Arbitrary<DnsRecord> = fc
  .record({
    zoneId: text,
    zone: text,
    name: text,
    type: fc.constantFrom("A" as const, "CNAME" as const),
    ttl: fc.constantFrom(10, 3600),
    ipv4Addresses: fc.array(fc.constantFrom("10.0.0.4", "10.0.0.5"), { maxLength: 2 }),
    metadata: fc.dictionary(fc.constantFrom("managedBy", "owner", "endpointId", "note"), text, { maxKeys: 3 }).map((m) => ({ ...m })),
    cname: fc.option(text, { nil: undefined }),
    etag: fc.option(fc.constantFrom("e1", "e2"), { nil: undefined }),
  })
  .map(({ cname, etag, ...r }) => ({ ...r, ...(cname === undefined ? {} : { cname }), ...(etag === undefined ? {} : { etag }) }));

describe("withSharedFields", () => {
  it("returns a record equal to the one read, field by field, whatever it is compared with", () => {
    fc.assert(
      fc.property(record, record, (read, like) => {
        expect(withSharedFields(read, like)).toStrictEqual(read);
      }),
    );
  });

  it("takes the strings, addresses and metadata of an equal desired record instead of keeping copies", () => {
    const desired = dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.4"] });
    const read: DnsRecord = { ...structuredClone(desired), etag: "e1" };
    const shared = withSharedFields(read, desired);
    expect(shared).toStrictEqual(read);
    expect(shared.metadata).toBe(desired.metadata);
    expect(shared.ipv4Addresses).toBe(desired.ipv4Addresses);
    expect(shared.zoneId).toBe(desired.zoneId);
  });

  it("keeps the metadata read when its keys come in another order or another entry was added", () => {
    const desired = dnsRecord(BLOB, "acct", { endpoint: "pe-1", ips: ["10.0.0.4"] });
    const reordered = Object.fromEntries(Object.entries(desired.metadata).reverse());
    expect(withSharedFields({ ...desired, metadata: reordered }, desired).metadata).toBe(reordered);
    const added = { ...ownershipMetadata(OWNER, "pe-1"), note: "kept" };
    expect(withSharedFields({ ...desired, metadata: added }, desired).metadata).toBe(added);
  });
});
