import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Connection, ConnectionStatus } from "../../shared/domain";
import { idHash, OrphanFinder, orphanCandidates } from "../../shared/orphans";
import type { ListedConnection } from "../../shared/orphans";

const READ = "aaaaaaaa-0000-4000-8000-000000000001";
const FAILED = "aaaaaaaa-0000-4000-8000-000000000002";
const OUTSIDE = "aaaaaaaa-0000-4000-8000-000000000003";
const ACCOUNT = `/subscriptions/${READ}/resourceGroups/rg-new/providers/Microsoft.Batch/batchAccounts/batchprod`;

const endpointId = (subscriptionId: string, name: string) => `/subscriptions/${subscriptionId}/resourceGroups/rg-pe/providers/Microsoft.Network/privateEndpoints/${name}`;
const connection = (name: string, endpoint: string, status: ConnectionStatus = "Approved", unrecognizedStatus?: string): ListedConnection => ({
  id: `${ACCOUNT}/privateEndpointConnections/${name}`,
  privateEndpointId: endpoint,
  status,
  ...(unrecognizedStatus === undefined ? {} : { unrecognizedStatus }),
});
// FAILED is in the scope but its list failed; OUTSIDE is not in the scope.
const SUBSCRIPTIONS = { listedSubscriptions: [READ], scopeSubscriptions: [READ, FAILED] };
const listed = (endpointIds: string[]) => ({ ...SUBSCRIPTIONS, isListed: (id: string) => endpointIds.some((e) => e.toLowerCase() === id.toLowerCase()) });

describe("orphanCandidates", () => {
  it("suspects a connection whose endpoint is missing from its subscription's full list, and not one whose endpoint is there (any case)", () => {
    const present = connection("present", endpointId(READ, "PE-Present"));
    const gone = connection("gone", endpointId(READ, "pe-gone"));
    expect(orphanCandidates([present, gone], listed([endpointId(READ, "pe-present")]))).toEqual([{ connectionId: gone.id, endpointId: gone.privateEndpointId, suspicion: "endpointNotListed" }]);
  });

  it("takes a Disconnected connection as it is, wherever its endpoint is", () => {
    const c = connection("dis", endpointId(READ, "pe-1"), "Disconnected");
    expect(orphanCandidates([c], listed([endpointId(READ, "pe-1")]))).toEqual([{ connectionId: c.id, endpointId: c.privateEndpointId, suspicion: "disconnected" }]);
  });

  it("never takes a status it could not read for Disconnected", () => {
    const c = connection("odd", endpointId(READ, "pe-1"), "Disconnected", "Removing");
    expect(orphanCandidates([c], listed([endpointId(READ, "pe-1")]))).toEqual([]);
  });

  it("suspects nothing in a subscription of the scope that was not listed, and leaves an endpoint outside the scope to a GET", () => {
    const failed = connection("failed", endpointId(FAILED, "pe-x"));
    const outside = connection("outside", endpointId(OUTSIDE, "pe-y"));
    expect(orphanCandidates([failed, outside], listed([]))).toEqual([{ connectionId: outside.id, endpointId: outside.privateEndpointId, suspicion: "endpointOutsideScope" }]);
  });

  it("suspects nothing of a connection that names no private endpoint", () => {
    const blank = connection("blank", "");
    const odd = connection("odd", `/subscriptions/${READ}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic`);
    expect(orphanCandidates([blank, odd], listed([]))).toEqual([]);
  });

  const subscriptions = fc.constantFrom(READ, FAILED, OUTSIDE);
  const names = fc.constantFrom("pe-a", "pe-b", "pe-c", "PE-A");
  const statuses = fc.constantFrom<ConnectionStatus>("Pending", "Approved", "Rejected", "Disconnected");
  const connections = fc.array(
    fc.record({ name: fc.string({ minLength: 1, maxLength: 4 }).map((s) => s.replace(/\W/g, "x")), subscription: subscriptions, endpoint: names, status: statuses, odd: fc.option(fc.constantFrom("", "Removing"), { nil: undefined }) }),
    { maxLength: 12 },
  );
  const listedEndpoints = fc.subarray(["pe-a", "pe-b", "pe-c"].map((n) => endpointId(READ, n)));

  it("never suspects a connection whose endpoint was listed, or is in a subscription of the scope not listed, unless it is known Disconnected", () => {
    fc.assert(
      fc.property(connections, listedEndpoints, (specs, endpoints) => {
        const all = specs.map((s, i) => connection(`${s.name}${i}`, endpointId(s.subscription, s.endpoint), s.status, s.odd));
        const candidates = new Map(orphanCandidates(all, listed(endpoints)).map((c) => [c.connectionId, c.suspicion]));
        const lowerListed = new Set(endpoints.map((e) => e.toLowerCase()));
        for (const c of all) {
          const knownDisconnected = c.status === "Disconnected" && c.unrecognizedStatus === undefined;
          if (knownDisconnected) expect(candidates.get(c.id)).toBe("disconnected");
          else if (lowerListed.has(c.privateEndpointId.toLowerCase()) || c.privateEndpointId.includes(FAILED)) expect(candidates.has(c.id)).toBe(false);
          else expect(candidates.get(c.id)).toBe(c.privateEndpointId.includes(READ) ? "endpointNotListed" : "endpointOutsideScope");
        }
      }),
    );
  });

  it("OrphanFinder finds the same candidates whichever of endpoints and connections is read first", () => {
    fc.assert(
      fc.property(connections, listedEndpoints, fc.boolean(), (specs, endpoints, endpointsFirst) => {
        const all: Connection[] = specs.map((s, i) => ({
          ...connection(`${s.name}${i}`, endpointId(s.subscription, s.endpoint), s.status, s.odd),
          resourceId: ACCOUNT,
          resourceType: "Microsoft.Batch/batchAccounts",
          groupIds: [],
          description: "",
        }));
        const finder = new OrphanFinder();
        const readEndpoints = () => endpoints.forEach((e) => finder.endpointListed(e));
        if (endpointsFirst) readEndpoints();
        finder.connectionsListed(all);
        if (!endpointsFirst) readEndpoints();
        expect(finder.candidates(SUBSCRIPTIONS)).toEqual(orphanCandidates(all, listed(endpoints)));
      }),
    );
  });

  it("idHash ignores case and tells 100k similar endpoint ids apart", () => {
    expect(idHash(endpointId(READ, "PE-A"))).toBe(idHash(endpointId(READ, "pe-a")));
    const hashes = new Set(Array.from({ length: 100_000 }, (_, i) => idHash(endpointId(READ, `pe-workload-${i}`))));
    expect(hashes.size).toBe(100_000);
    for (const h of [...hashes].slice(0, 100)) expect(Number.isSafeInteger(h) && h >= 0).toBe(true);
  });
});
