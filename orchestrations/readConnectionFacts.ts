/**
 * @module Reads what a policy decision needs beyond a connection and its PaaS resource, and builds the
 * connection's facts (`connectionFactsOf`): the one place every deciding path (event run, resource run,
 * sweep, CLI) gets its facts from. The private endpoint is read only when the connection carries no
 * group ids (only some providers repeat them) and the endpoint is in scope; otherwise they stay unknown.
 */

import type { Connection, LinkTarget, PrivateEndpoint } from "../shared/domain";
import { connectionFactsOf } from "../shared/policy";
import type { ConnectionFacts } from "../shared/policy";
import { isResourceId, isWithinScope } from "../shared/resourceId";
import type { ArmClients } from "../shared/azure/clients";
import { getPrivateEndpoint } from "../shared/azure/privateEndpoints";

export interface ReadConnectionFactsOptions {
  /** The subscriptions in scope: an endpoint elsewhere (another tenant's) is not read. */
  subscriptionIds: readonly string[];
  /** The endpoint, when the caller has already read it. */
  endpoint?: PrivateEndpoint;
}

/** The facts of one connection, reading its private endpoint when the connection alone cannot tell its group ids. */
export async function readConnectionFacts(clients: ArmClients, connection: Connection, target: LinkTarget, options: ReadConnectionFactsOptions): Promise<ConnectionFacts> {
  const endpoint = options.endpoint ?? (connection.groupIds.length === 0 ? await readEndpoint(clients, connection.privateEndpointId, options.subscriptionIds) : undefined);
  return connectionFactsOf({ connection, target, ...(endpoint === undefined ? {} : { endpoint }) });
}

async function readEndpoint(clients: ArmClients, endpointId: string, subscriptionIds: readonly string[]): Promise<PrivateEndpoint | undefined> {
  if (!isResourceId(endpointId) || !isWithinScope(endpointId, { subscriptionIds })) return undefined;
  try {
    return await getPrivateEndpoint(clients, endpointId, { details: false });
  } catch (error) {
    // An id that names something other than a private endpoint: its group ids stay unknown.
    if (error instanceof TypeError) return undefined;
    throw error;
  }
}
