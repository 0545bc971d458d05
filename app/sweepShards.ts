/**
 * @module The shards a drift sweep fans out over. A shard is a DNS zone set (or several) with the
 * subscriptions whose endpoints it serves: the smallest unit in which every list (endpoints, Private Link
 * resources, zones, record sets) is read once and every endpoint that can claim a name is seen, so
 * shards never plan the same name and never read the same list twice.
 *
 * A private endpoint lives in the subscription of its VNet, so zone sets that name their VNets
 * (`AUTOPILOT_ZONE_SETS`) serve the endpoints of those VNets' subscriptions: sets whose VNets share a
 * subscription go into one shard, and the subscriptions in scope that no set's VNet is in get a shard
 * of their own with no zones (their Pending connections are decided there, and their endpoints, which no
 * set serves, are reported as such). A set that names no VNets serves every subscription, so with one
 * (the default without zone sets) the sweep is one shard.
 */

import type { Config } from "../shared/config";
import { parseResourceId } from "../shared/resourceId";
import { mergeDnsReports } from "../orchestrations/runReport";
import type { RunReport } from "../orchestrations/runReport";
import type { ScopePlan } from "./planScope";

export interface SweepShard {
  /** The shard's name, for reports and log lines. */
  shard: string;
  /** The resource groups of the shard's private DNS zones. */
  zoneResourceGroupIds: string[];
  /** The subscriptions whose endpoints the zones serve; every subscription in scope when left out. */
  subscriptionIds?: string[];
}

/** The shard of the zone resource groups configured without a zone set. */
export const DEFAULT_SHARD = "default";

/** The shard of subscriptions in scope that no zone set's VNet is in. */
export const UNSERVED_SHARD = "unserved";

/**
 * The sweep's shards, in the order they are reported. `scopeSubscriptionIds` (the subscriptions in
 * scope) limits zone sets' shards to them and gives the subscriptions no set serves their own shard.
 */
export function sweepShards(config: Pick<Config, "dnsZoneResourceGroupIds" | "zoneSets">, scopeSubscriptionIds?: readonly string[]): SweepShard[] {
  const sets = config.zoneSets;
  if (sets === undefined || sets.some((s) => s.virtualNetworks === undefined)) return [{ shard: DEFAULT_SHARD, zoneResourceGroupIds: [...config.dnsZoneResourceGroupIds] }];
  const inScope = scopeSubscriptionIds === undefined ? undefined : new Set(scopeSubscriptionIds.map((s) => s.toLowerCase()));
  // Sets that share a subscription, as groups: each subscription points at its group, merged as met.
  const groups: { names: string[]; zoneResourceGroupIds: string[]; subscriptionIds: Set<string> }[] = [];
  const groupOf = new Map<string, (typeof groups)[number]>();
  for (const set of sets) {
    const subscriptions = new Set((set.virtualNetworks ?? []).map((id) => parseResourceId(id).subscriptionId.toLowerCase()));
    const met = [...new Set([...subscriptions].flatMap((s) => groupOf.get(s) ?? []))];
    const group = { names: [...met.flatMap((g) => g.names), set.name], zoneResourceGroupIds: [...met.flatMap((g) => g.zoneResourceGroupIds), ...set.zoneResourceGroups], subscriptionIds: new Set([...met.flatMap((g) => [...g.subscriptionIds]), ...subscriptions]) };
    for (const g of met) groups.splice(groups.indexOf(g), 1);
    groups.push(group);
    for (const s of group.subscriptionIds) groupOf.set(s, group);
  }
  const shards = groups.flatMap((g) => {
    const subscriptionIds = [...g.subscriptionIds].filter((s) => inScope?.has(s) ?? true).sort();
    return subscriptionIds.length === 0 ? [] : [{ shard: g.names.join("+"), zoneResourceGroupIds: g.zoneResourceGroupIds, subscriptionIds }];
  });
  const unserved = [...(inScope ?? [])].filter((s) => !groupOf.has(s)).sort();
  return unserved.length === 0 ? shards : [...shards, { shard: UNSERVED_SHARD, zoneResourceGroupIds: [], subscriptionIds: unserved }];
}

/**
 * The shard limited to `onlySubscriptionIds` (a sweep of some subscriptions), or `undefined` when it
 * serves none of them. Subscription ids compare case-insensitively.
 */
export function shardFor(shard: SweepShard, onlySubscriptionIds: readonly string[] | undefined): SweepShard | undefined {
  if (onlySubscriptionIds === undefined) return shard;
  const served = shard.subscriptionIds === undefined ? undefined : new Set(shard.subscriptionIds.map((s) => s.toLowerCase()));
  const subscriptionIds = onlySubscriptionIds.filter((s) => served === undefined || served.has(s.toLowerCase()));
  return subscriptionIds.length === 0 ? undefined : { ...shard, subscriptionIds };
}

/** What a shard reports that adds up across shards. */
export type ShardReport = Pick<RunReport, "decisions" | "dns" | "omitted" | "orphanedConnections">;

/** The shards' reports as one (bound it again if it must stay small): shards plan disjoint names, so every list and count adds up. */
export function mergeShardReports(shards: readonly ShardReport[]): ShardReport {
  const omitted: NonNullable<RunReport["omitted"]> = {};
  for (const s of shards) for (const [list, n] of Object.entries(s.omitted ?? {}) as [keyof typeof omitted, number][]) omitted[list] = (omitted[list] ?? 0) + n;
  // Listed whenever a shard looked for orphans (a sweep's rounds do), even when it found none.
  const looked = shards.some((s) => s.orphanedConnections !== undefined);
  const orphanedConnections = shards.flatMap((s) => s.orphanedConnections ?? []);
  return {
    decisions: shards.flatMap((s) => s.decisions),
    dns: mergeDnsReports(shards.map((s) => s.dns)),
    ...(looked ? { orphanedConnections } : {}),
    ...(Object.keys(omitted).length > 0 ? { omitted } : {}),
  };
}

/** What the shards read, added up (each shard reads its own lists, so nothing is counted twice). */
export function addCounts(runs: readonly Pick<ScopePlan, "counts">[]): ScopePlan["counts"] {
  const counts = { subscriptions: 0, endpoints: 0, zones: 0, recordSets: 0, linkTargets: 0 };
  for (const r of runs) for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += r.counts[key];
  return counts;
}
