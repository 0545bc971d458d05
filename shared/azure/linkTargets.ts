/**
 * @module Lists the PaaS resources of one Private Link type in a subscription, each with the private
 * endpoint connections its list entry carries (`properties.privateEndpointConnections`). A sweep
 * learns every connection in scope from these few pages instead of one connection list per resource,
 * including connections from endpoints we cannot see (another tenant's).
 */

import { normalizeLocation } from "../location";
import { isRestError } from "@azure/core-rest-pipeline";
import type { Connection, LinkTarget } from "../domain";
import type { ArmClients } from "./clients";
import { iteratePages, toConnection } from "./connections";
import { armCall } from "./errors";
import { ArmOperations } from "./operations";
import type { LinkProvider } from "./providers";
import { isRecord } from "../isRecord";

/** A PaaS resource and its connections, from one list entry. */
export interface LinkTargetWithConnections {
  target: LinkTarget;
  connections: Connection[];
}

function toLinkTargetWithConnections(raw: unknown, resourceType: string): LinkTargetWithConnections {
  if (!isRecord(raw) || typeof raw.id !== "string" || raw.id === "") {
    throw new TypeError(`A ${resourceType} list entry from ARM has no id: ${JSON.stringify(raw)?.slice(0, 200)}`);
  }
  const tags = isRecord(raw.tags) ? Object.fromEntries(Object.entries(raw.tags).filter((e): e is [string, string] => typeof e[1] === "string")) : {};
  const properties = isRecord(raw.properties) ? raw.properties : {};
  const connections = Array.isArray(properties.privateEndpointConnections) ? properties.privateEndpointConnections.map(toConnection) : [];
  return {
    target: {
      id: raw.id,
      type: typeof raw.type === "string" ? raw.type : resourceType,
      location: normalizeLocation(typeof raw.location === "string" ? raw.location : undefined),
      tags,
    },
    connections,
  };
}

/**
 * Every resource of the provider's type in the subscription with its connections, page by page. A
 * subscription that has not registered the type's namespace cannot hold such resources: that answer
 * (409 `MissingSubscriptionRegistration`, or 404) ends the list empty. Throws a `RangeError` for a
 * type whose list carries no connections (see `LinkProvider.listsConnections`).
 */
export async function* iterateLinkTargets(clients: ArmClients, subscriptionId: string, provider: LinkProvider): AsyncGenerator<LinkTargetWithConnections[], void, undefined> {
  if (!provider.listsConnections) {
    throw new RangeError(`${provider.resourceType} lists its resources without their connections; list each resource's connections with listConnections instead`);
  }
  const scope = `/subscriptions/${subscriptionId}`;
  const url = `${clients.endpoint}${scope}/providers/${provider.resourceType}?api-version=${provider.apiVersion}`;
  const context = { operation: ArmOperations.listLinkTargets, scope, parameters: { resourceType: provider.resourceType } };
  const pages = iteratePages(clients, subscriptionId, url);
  for (;;) {
    const page = await armCall(context, async () => {
      try {
        return await pages.next();
      } catch (error) {
        if (isRestError(error) && (error.statusCode === 404 || (error.statusCode === 409 && error.code === "MissingSubscriptionRegistration"))) return { done: true as const, value: undefined };
        throw error;
      }
    });
    if (page.done === true) return;
    yield page.value.map((item) => toLinkTargetWithConnections(item, provider.resourceType));
  }
}

/** Every resource of the provider's type in the subscription with its connections (see `iterateLinkTargets`). */
export async function listLinkTargets(clients: ArmClients, subscriptionId: string, provider: LinkProvider): Promise<LinkTargetWithConnections[]> {
  const targets: LinkTargetWithConnections[] = [];
  for await (const page of iterateLinkTargets(clients, subscriptionId, provider)) targets.push(...page);
  return targets;
}
