/**
 * @module The subscriptions in scope: the configured ones plus the configured management group's,
 * resolved through ARM and kept for a few minutes per runtime, so that a sweep or a burst of events
 * reads the hierarchy once. A failed resolution is an error naming the group, and is not kept.
 */

import type { Config } from "../shared/config";
import type { ArmClients } from "../shared/azure/clients";
import { listManagementGroupSubscriptions } from "../shared/azure/managementGroups";

/** How long a resolved management group is trusted; a subscription moved in or out counts after at most this. */
export const SCOPE_CACHE_TTL_MS = 5 * 60_000;

/** The resolved scope and where it came from. */
export interface ResolvedScope {
  /** Lower case, sorted, unique. */
  subscriptionIds: string[];
  /** The subscriptions named in `AUTOPILOT_SUBSCRIPTIONS`. */
  listed: string[];
  /** Set when a management group is configured: its id and the subscriptions beneath it. */
  managementGroup?: { id: string; subscriptionIds: string[] };
}

/** A management group that could not be resolved; the cause is the ARM failure. */
export class ScopeResolutionError extends Error {
  override readonly name = "ScopeResolutionError";
  constructor(
    message: string,
    readonly managementGroupId: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

interface CacheEntry {
  expiresAt: number;
  subscriptionIds: Promise<string[]>;
}

// Keyed by the clients object, which belongs to one runtime: a new runtime starts empty.
let cache = new WeakMap<ArmClients, Map<string, CacheEntry>>();

/** Forgets every resolved management group (with `resetRuntime`, and for tests). */
export function clearScopeCache(): void {
  cache = new WeakMap();
}

function sortedUnique(ids: readonly string[]): string[] {
  return [...new Set(ids.map((id) => id.toLowerCase()))].sort();
}

function managementGroupSubscriptions(clients: ArmClients, groupId: string): Promise<string[]> {
  let entries = cache.get(clients);
  if (entries === undefined) {
    entries = new Map();
    cache.set(clients, entries);
  }
  const key = groupId.toLowerCase();
  const now = Date.now();
  const cached = entries.get(key);
  if (cached !== undefined && cached.expiresAt > now) return cached.subscriptionIds;
  // Callers that arrive while a resolution is in flight share it.
  const subscriptionIds = listManagementGroupSubscriptions(clients, groupId).catch((cause: unknown) => {
    if (entries.get(key)?.subscriptionIds === subscriptionIds) entries.delete(key);
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new ScopeResolutionError(`Could not resolve management group ${JSON.stringify(groupId)} (AUTOPILOT_MANAGEMENT_GROUP) to its subscriptions: ${detail}`, groupId, { cause });
  });
  entries.set(key, { expiresAt: now + SCOPE_CACHE_TTL_MS, subscriptionIds });
  return subscriptionIds;
}

/** The scope with its parts: what was listed, and what the management group added. */
export async function resolveScope(clients: ArmClients, config: Config): Promise<ResolvedScope> {
  const listed = sortedUnique(config.subscriptionIds);
  if (config.managementGroupId === undefined) return { subscriptionIds: listed, listed };
  const fromGroup = await managementGroupSubscriptions(clients, config.managementGroupId);
  return {
    subscriptionIds: sortedUnique([...listed, ...fromGroup]),
    listed,
    managementGroup: { id: config.managementGroupId, subscriptionIds: [...fromGroup] },
  };
}

/**
 * Every subscription in scope: the configured ones plus the management group's, lower case, sorted,
 * unique. Throws a `ScopeResolutionError` (with the ARM failure as `cause`) when the group cannot be read.
 */
export async function subscriptionsInScope(clients: ArmClients, config: Config): Promise<string[]> {
  return (await resolveScope(clients, config)).subscriptionIds;
}
