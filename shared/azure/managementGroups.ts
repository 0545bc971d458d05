/**
 * @module Resolves a management group to the subscriptions beneath it, at any depth, from ARM's
 * `descendants` list (paged), through the same authenticated, retrying pipeline as the other lists.
 */

import { isGuid } from "../resourceId";
import { isRestError } from "@azure/core-rest-pipeline";
import type { PipelineRequest } from "@azure/core-rest-pipeline";
import type { ArmClients } from "./clients";
import { listAllPages } from "./connections";
import { armCall, ArmRequestError } from "./errors";
import { ArmOperations } from "./operations";
import { isRecord } from "../isRecord";

type AbortSignalLike = NonNullable<PipelineRequest["abortSignal"]>;

/** The Management Groups api-version the adapter sends. */
export const MANAGEMENT_GROUPS_API_VERSION = "2020-05-01";

/** Options for `listManagementGroupSubscriptions`. */
export interface ListManagementGroupSubscriptionsOptions {
  abortSignal?: AbortSignalLike;
}

const GROUP_PREFIX = /^\/providers\/Microsoft\.Management\/managementGroups\//i;
const GROUP_ID = /^[A-Za-z0-9_().-]{0,89}[A-Za-z0-9_()-]$/;
// Newer api-versions spell a subscription descendant's type in full, 2020-05-01's examples as `/subscriptions`.
const SUBSCRIPTION_TYPES = new Set(["microsoft.management/managementgroups/subscriptions", "/subscriptions"]);
// A tenant-level request belongs to no subscription; this only picks a client from the cache for its pipeline.
const PIPELINE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

/** The bare id of a management group given as `mg-x` or `/providers/Microsoft.Management/managementGroups/mg-x`. */
export function managementGroupIdOf(group: string): string {
  const id = typeof group === "string" ? group.trim().replace(GROUP_PREFIX, "").replace(/\/+$/, "") : "";
  if (!GROUP_ID.test(id)) {
    throw new TypeError(`${JSON.stringify(group)} is not a management group id; expected e.g. mg-landing-zones or /providers/Microsoft.Management/managementGroups/{id}`);
  }
  return id;
}

/** The subscription id (lower case) of one `descendants` item, or `undefined` for a group or anything else. */
export function subscriptionIdOfDescendant(item: unknown): string | undefined {
  if (!isRecord(item) || typeof item.type !== "string" || typeof item.name !== "string") return undefined;
  if (!SUBSCRIPTION_TYPES.has(item.type.toLowerCase())) return undefined;
  if (!isGuid(item.name)) throw new TypeError(`A management group descendant of type ${item.type} has name ${JSON.stringify(item.name)}; expected a subscription GUID`);
  return item.name.toLowerCase();
}

/**
 * Every subscription beneath the management group, in nested groups too: lower case, sorted, unique.
 * A group that does not exist (or that the identity cannot see) is an error, never an empty scope.
 */
export async function listManagementGroupSubscriptions(clients: ArmClients, groupId: string, options: ListManagementGroupSubscriptionsOptions = {}): Promise<string[]> {
  const id = managementGroupIdOf(groupId);
  const scope = `/providers/Microsoft.Management/managementGroups/${id}`;
  const operation = ArmOperations.listManagementGroupSubscriptions;
  // The id's characters are all URL-safe, so it goes into the path as it is.
  const url = `${clients.endpoint}${scope}/descendants?api-version=${MANAGEMENT_GROUPS_API_VERSION}`;
  const items = await armCall({ operation, scope }, async () => {
    try {
      return await listAllPages(clients, PIPELINE_SUBSCRIPTION, url, options.abortSignal);
    } catch (error) {
      if (isRestError(error) && error.statusCode === 404) {
        throw new ArmRequestError(
          `${operation.name}: management group ${JSON.stringify(id)} was not found (HTTP 404${error.code ? ` ${error.code}` : ""}); expected the id (not the display name) of an existing management group`,
          operation.name,
          404,
          error.code,
          { cause: error },
        );
      }
      throw error;
    }
  });
  const subscriptions = new Set<string>();
  for (const item of items) {
    const subscriptionId = subscriptionIdOfDescendant(item);
    if (subscriptionId !== undefined) subscriptions.add(subscriptionId);
  }
  return [...subscriptions].sort();
}
