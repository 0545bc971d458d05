import { describe, expect, it } from "vitest";
import { DEFAULT_SHARD, mergeShardReports, shardFor, sweepShards, UNSERVED_SHARD } from "../../app/sweepShards";

const DNS = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns";
const A = "22222222-2222-2222-2222-222222222222";
const B = "33333333-3333-3333-3333-333333333333";

describe("sweepShards", () => {
  it("makes the configured zone resource groups one shard serving every subscription in scope", () => {
    expect(sweepShards({ dnsZoneResourceGroupIds: [DNS] })).toEqual([{ shard: DEFAULT_SHARD, zoneResourceGroupIds: [DNS] }]);
    expect(sweepShards({ dnsZoneResourceGroupIds: [DNS] }, [A, B])).toEqual([{ shard: DEFAULT_SHARD, zoneResourceGroupIds: [DNS] }]);
  });

  const rg = (name: string) => `${DNS}-${name}`;
  const vnet = (subscription: string, name: string) => `/subscriptions/${subscription}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;
  const C = "44444444-4444-4444-4444-444444444444";
  const config = (sets: { name: string; zoneResourceGroups: string[]; virtualNetworks?: string[] }[]) => ({ dnsZoneResourceGroupIds: sets.flatMap((s) => s.zoneResourceGroups), zoneSets: sets });

  it("gives zone sets whose VNets are in different subscriptions a shard each, and the subscriptions no set serves one with no zones", () => {
    const sets = config([
      { name: "a", zoneResourceGroups: [rg("a")], virtualNetworks: [vnet(A, "v1"), vnet(A, "v2")] },
      { name: "b", zoneResourceGroups: [rg("b")], virtualNetworks: [vnet(B, "v1")] },
    ]);
    expect(sweepShards(sets, [C, B, A])).toEqual([
      { shard: "a", zoneResourceGroupIds: [rg("a")], subscriptionIds: [A] },
      { shard: "b", zoneResourceGroupIds: [rg("b")], subscriptionIds: [B] },
      { shard: UNSERVED_SHARD, zoneResourceGroupIds: [], subscriptionIds: [C] },
    ]);
  });

  it("puts zone sets whose VNets share a subscription into one shard (an endpoint lives in its VNet's subscription)", () => {
    const sets = config([
      { name: "a", zoneResourceGroups: [rg("a")], virtualNetworks: [vnet(A, "v1")] },
      { name: "b", zoneResourceGroups: [rg("b")], virtualNetworks: [vnet(B, "v1")] },
      { name: "c", zoneResourceGroups: [rg("c")], virtualNetworks: [vnet(A, "v2"), vnet(B, "v2")] },
    ]);
    expect(sweepShards(sets, [A, B])).toEqual([{ shard: "a+b+c", zoneResourceGroupIds: [rg("a"), rg("b"), rg("c")], subscriptionIds: [A, B] }]);
  });

  it("keeps one shard while a set names no VNets (it serves every subscription), and drops a set whose VNets are all outside the scope", () => {
    expect(sweepShards(config([{ name: "a", zoneResourceGroups: [rg("a")], virtualNetworks: [vnet(A, "v1")] }, { name: "rest", zoneResourceGroups: [rg("r")] }]), [A, B])).toEqual([
      { shard: DEFAULT_SHARD, zoneResourceGroupIds: [rg("a"), rg("r")] },
    ]);
    expect(sweepShards(config([{ name: "a", zoneResourceGroups: [rg("a")], virtualNetworks: [vnet(C, "v1")] }]), [A])).toEqual([{ shard: UNSERVED_SHARD, zoneResourceGroupIds: [], subscriptionIds: [A] }]);
  });
});

describe("shardFor", () => {
  it("leaves a shard as it is for a sweep of the whole scope", () => {
    const shard = { shard: "s", zoneResourceGroupIds: [DNS] };
    expect(shardFor(shard, undefined)).toBe(shard);
  });

  it("limits a shard to the subscriptions a sweep names, and drops a shard that serves none of them", () => {
    expect(shardFor({ shard: "all", zoneResourceGroupIds: [DNS] }, [A])).toEqual({ shard: "all", zoneResourceGroupIds: [DNS], subscriptionIds: [A] });
    expect(shardFor({ shard: "a", zoneResourceGroupIds: [DNS], subscriptionIds: [A.toUpperCase()] }, [A, B])).toEqual({ shard: "a", zoneResourceGroupIds: [DNS], subscriptionIds: [A] });
    expect(shardFor({ shard: "b", zoneResourceGroupIds: [DNS], subscriptionIds: [B] }, [A])).toBeUndefined();
  });
});

describe("mergeShardReports", () => {
  const entry = (name: string) => ({ zone: "privatelink.blob.core.windows.net", name, type: "A", value: "10.0.0.4" });
  const report = (name: string, omitted?: { unchanged: number }) => ({
    decisions: [],
    dns: { created: [entry(name)], updated: [], deleted: [], unchanged: [entry(`${name}-same`)], conflicts: [], servedByZoneGroup: [], skipped: [], adopted: [] },
    ...(omitted === undefined ? {} : { omitted }),
  });

  it("adds up the shards' lists and omitted counts, and keeps nothing else of a shard's run", () => {
    expect(mergeShardReports([{ ...report("a", { unchanged: 3 }), notes: ["x"] } as never, report("b", { unchanged: 4 })])).toEqual({
      decisions: [],
      dns: { created: [entry("a"), entry("b")], updated: [], deleted: [], unchanged: [entry("a-same"), entry("b-same")], conflicts: [], servedByZoneGroup: [], skipped: [], adopted: [] },
      omitted: { unchanged: 7 },
    });
    expect(mergeShardReports([report("a")])).toEqual(report("a"));
  });
});
