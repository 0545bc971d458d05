/**
 * @module The shards a drift sweep fans out over. A shard is a DNS zone set with the subscriptions whose
 * endpoints it serves: the smallest unit in which every list (endpoints, Private Link resources, zones,
 * record sets) is read once and every endpoint that can claim a name is seen, so shards never plan the
 * same name and never read the same list twice. Today there is one shard with every configured zone
 * resource group, zone sets included: a zone set is chosen by VNet, and one subscription's VNets may be
 * served by different sets, so a shard per set would read and decide that subscription once per set.
 */

import type { Config } from "../shared/config";
import { mergeDnsReports } from "../orchestrations/runReport";
import type { RunReport } from "../orchestrations/runReport";

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

/** The sweep's shards, in the order they are reported. */
export function sweepShards(config: Pick<Config, "dnsZoneResourceGroupIds">): SweepShard[] {
  return [{ shard: DEFAULT_SHARD, zoneResourceGroupIds: [...config.dnsZoneResourceGroupIds] }];
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
