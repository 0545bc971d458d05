import { describe, expect, it } from "vitest";
import { DEFAULT_SHARD, mergeShardReports, shardFor, sweepShards } from "../../app/sweepShards";

const DNS = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns";
const A = "22222222-2222-2222-2222-222222222222";
const B = "33333333-3333-3333-3333-333333333333";

describe("sweepShards", () => {
  it("makes the configured zone resource groups one shard serving every subscription in scope", () => {
    expect(sweepShards({ dnsZoneResourceGroupIds: [DNS] })).toEqual([{ shard: DEFAULT_SHARD, zoneResourceGroupIds: [DNS] }]);
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
