import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DnsRecord } from "../../../shared/domain";
import { ownershipMetadata } from "../../../shared/dns/ownership";
import { planChanges } from "../../../shared/dns/plan";
import { mergeStreamed, planRemainder, PlanStream } from "../../../shared/dns/planStream";
import { dnsRecord, endpointId, OWNER, resourceId } from "./helpers";

const ZONES = ["privatelink.blob.core.windows.net", "privatelink.batch.azure.com"];
const NAMES = ["a", "a-b", "b", "b.westeurope", "c"];
const ENDPOINTS = ["pe-1", "pe-2", "pe-3"];
const IPS = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
const ZONE_GROUP = { creator: "created by private DNS zone group" };

const contentArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  name: fc.constantFrom(...NAMES),
  type: fc.constantFrom("A" as const, "A" as const, "CNAME" as const),
  ttl: fc.constantFrom(10, 300),
  ips: fc.subarray(IPS, { minLength: 1 }),
  cname: fc.constantFrom("t1.example", "t2.example"),
  targets: fc.subarray(["sa1", "sa2"]),
});

/** Every endpoint's claims: at most one per name and endpoint, some naming their targets. */
const desiredArb = fc
  .tuple(...ENDPOINTS.map((endpoint) => fc.uniqueArray(contentArb, { selector: (c) => `${c.zone}|${c.name}`, maxLength: 5 }).map((contents) => ({ endpoint, contents }))))
  .map((perEndpoint) =>
    perEndpoint.flatMap(({ endpoint, contents }) =>
      contents.map((c) =>
        dnsRecord(c.zone, c.name, {
          type: c.type,
          ttl: c.ttl,
          ips: c.ips,
          cname: c.cname,
          metadata: ownershipMetadata(OWNER, endpointId(endpoint), c.targets.map((t) => resourceId("Microsoft.Storage/storageAccounts", t))),
        }),
      ),
    ),
  );

type Marker = "ours" | "otherOwner" | "unmarked" | "zoneGroup";

/** Record sets: exact copies of claims (what a no-op sweep reads), changed copies, and others; a name may hold two. */
function currentArb(desired: DnsRecord[]): fc.Arbitrary<DnsRecord[]> {
  const copies = fc.subarray(desired).chain((picked) =>
    fc.tuple(...picked.map((d) => fc.record({ ttl: fc.constantFrom(d.ttl, d.ttl, 60), extra: fc.boolean().map((b) => b && Math.random() < 0.2) }).map(({ ttl, extra }) => ({ ...d, ttl, ...(extra ? { metadata: { ...d.metadata, note: "kept" } } : {}) })))),
  );
  const marker = fc.constantFrom<Marker>("ours", "ours", "otherOwner", "unmarked", "zoneGroup");
  const others = fc.array(fc.record({ content: contentArb, marker, endpoint: fc.constantFrom(...ENDPOINTS) }), { maxLength: 5 }).map((rows) =>
    rows.map(({ content: c, marker: m, endpoint }) => {
      const metadata = m === "ours" ? ownershipMetadata(OWNER, endpointId(endpoint)) : m === "otherOwner" ? ownershipMetadata("hub-eus-prod", endpointId(endpoint)) : m === "zoneGroup" ? { ...ZONE_GROUP } : {};
      return dnsRecord(c.zone, c.name, { type: c.type, ttl: c.ttl, ips: c.ips, cname: c.cname, metadata });
    }),
  );
  // At most one record set per zone, name and type, as ARM holds them.
  return fc.tuple(copies, others).map(([a, b]) => {
    const seen = new Set<string>();
    return [...a, ...b].filter((r) => !seen.has(`${r.zone}|${r.name}|${r.type}`) && seen.add(`${r.zone}|${r.name}|${r.type}`)).map((r, i) => ({ ...r, etag: `e${i}` }));
  });
}

const caseArb = desiredArb.chain((desired) =>
  fc.record({
    desired: fc.constant(desired),
    current: currentArb(desired),
    scope: fc.option(fc.subarray(ENDPOINTS, { minLength: 1 }), { nil: undefined }),
    keep: fc.integer({ min: 0, max: 4 }),
    order: fc.array(fc.integer(), { minLength: 40, maxLength: 40 }),
  }),
);

/** Desires and reads interleaved in an order the case picks (pages arrive in any order; claims may come after). */
function streamed(c: { desired: DnsRecord[]; current: DnsRecord[]; scope: string[] | undefined; keep: number; order: number[] }) {
  const ops = [...c.desired.map((r) => ({ kind: "desire" as const, r })), ...c.current.map((r) => ({ kind: "read" as const, r }))];
  const keyed = ops.map((op, i) => ({ op, k: c.order[i % c.order.length] ?? 0, i })).sort((a, b) => a.k - b.k || a.i - b.i);
  const stream = new PlanStream(OWNER, c.keep);
  for (const { op } of keyed) if (op.kind === "desire") stream.desire(op.r);
  else stream.read(op.r);
  const endpointIds = c.scope?.map(endpointId);
  const read = keyed.flatMap(({ op }) => (op.kind === "read" ? [op.r] : []));
  return { read, plan: mergeStreamed(
    stream.zoneKeys().map((zone) => planRemainder(stream.take(zone), { ownerId: OWNER, ...(endpointIds === undefined ? {} : { endpointIds }) })),
    c.keep,
  ) };
}

describe("PlanStream", () => {
  it("plans what planChanges over everything plans, whatever the order of claims and record sets; unchanged cut to its first entries and counted", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const endpointIds = c.scope?.map(endpointId);
        const desired = endpointIds === undefined ? c.desired : c.desired.filter((r) => endpointIds.some((e) => e.toLowerCase() === r.metadata["endpointId"]));
        const { read, plan } = streamed({ ...c, desired });
        // The record sets in the order they were read: a name's first holder decides.
        const whole = planChanges({ current: read, desired, ownerId: OWNER, ...(endpointIds === undefined ? {} : { endpointIds }) });
        expect(plan).toEqual({ ...whole, unchanged: whole.unchanged.slice(0, c.keep), unchangedCount: whole.unchanged.length });
      }),
      { numRuns: 500 },
    );
  });

  it("drops a record set that is exactly what its name's one claim asks for, and holds only the rest", () => {
    const zone = ZONES[0] as string;
    const claim = dnsRecord(zone, "a", { endpoint: "pe-1" });
    const stale = dnsRecord(zone, "gone", { endpoint: "pe-2", etag: "e2" });
    const stream = new PlanStream(OWNER, 10);
    stream.desire(claim);
    stream.read({ ...claim, etag: "e1" });
    stream.read(stale);
    const taken = stream.take(stream.zoneKeys()[0] as string);
    expect(taken).toEqual({ current: [stale], desired: [], unchanged: [{ ...claim, etag: "e1" }], unchangedCount: 1 });
  });

  it("takes a dropped record set back when a second claim on its name arrives later (an endpoint decided in the run)", () => {
    const zone = ZONES[0] as string;
    const first = dnsRecord(zone, "a", { endpoint: "pe-2" });
    const lower = dnsRecord(zone, "a", { endpoint: "pe-1" });
    const stream = new PlanStream(OWNER, 10);
    stream.desire(first);
    stream.read({ ...first, etag: "e1" });
    stream.desire(lower);
    const plan = planRemainder(stream.take(stream.zoneKeys()[0] as string), { ownerId: OWNER });
    expect(plan).toMatchObject({ unchanged: [{ ...first, etag: "e1" }], unchangedCount: 1, conflicts: [{ reason: "heldByEndpoint", record: lower }] });
  });
});
