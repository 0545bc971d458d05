/**
 * @module Reads and decides private endpoint connections on PaaS resources, generically for every
 * provider in `providers.ts`: by-id reads and long-running writes through `@azure/arm-resources`,
 * and the paged connection list through the same authenticated, retrying pipeline.
 */

import { normalizeLocation } from "../location";
import type { GenericResource } from "@azure/arm-resources";
import { createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import type { PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { Connection, ConnectionStatus, LinkTarget } from "../domain";
import { parentResourceId, parseResourceId, resourceTypeOf } from "../resourceId";
import type { ArmClients } from "./clients";
import { armRead } from "./errors";
import type { ArmOperation } from "./operations";
import { ArmOperations } from "./operations";
import { linkProviderFor } from "./providers";
import { toConnectionStatus } from "./privateEndpoints";
import { isRecord } from "../isRecord";

type AbortSignalLike = NonNullable<PipelineRequest["abortSignal"]>;

/** Options for `deleteConnection`. */
export interface DeleteConnectionOptions {
  /** Poll interval of the long-running delete; default: the server's `Retry-After`, else 2 s. */
  updateIntervalInMs?: number;
  abortSignal?: AbortSignalLike;
}

/** Options for `approveConnection` and `rejectConnection`. */
export interface UpdateConnectionOptions {
  /**
   * Write only if the connection still has this ETag (`If-Match`): what `getConnection` read. A 412
   * (someone changed it meanwhile) surfaces as `PreconditionFailedError`.
   */
  ifMatch?: string;
  /** Poll interval of the long-running write; default: the server's `Retry-After`, else 2 s. */
  updateIntervalInMs?: number;
  abortSignal?: AbortSignalLike;
}
export type ApproveConnectionOptions = UpdateConnectionOptions;
export type RejectConnectionOptions = UpdateConnectionOptions;

/** A guard against a service that hands back the same `nextLink` forever. */
const MAX_PAGES = 10_000;

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

const KNOWN_STATUSES = new Set(["pending", "approved", "rejected", "disconnected"]);

/**
 * Translates a connection as any provider returns it (`{ id, properties: { privateEndpoint,
 * groupIds?, privateLinkServiceConnectionState, provisioningState } }`). Storage's
 * `actionRequired` and everyone else's `actionsRequired` both land in `actionsRequired`.
 */
export function toConnection(raw: unknown): Connection {
  if (!isRecord(raw) || typeof raw.id !== "string" || raw.id === "") {
    throw new TypeError(`A private endpoint connection from ARM has no id: ${JSON.stringify(raw)?.slice(0, 200)}`);
  }
  const properties = isRecord(raw.properties) ? raw.properties : {};
  const state = isRecord(properties.privateLinkServiceConnectionState) ? properties.privateLinkServiceConnectionState : {};
  const endpoint = isRecord(properties.privateEndpoint) ? properties.privateEndpoint : {};
  const resourceId = parentResourceId(raw.id) ?? raw.id;
  const connection: Connection = {
    id: raw.id,
    resourceId,
    resourceType: resourceTypeOf(resourceId),
    privateEndpointId: stringOf(endpoint.id) ?? "",
    groupIds: Array.isArray(properties.groupIds) ? properties.groupIds.filter((g): g is string => typeof g === "string") : [],
    status: toConnectionStatus(stringOf(state.status)),
    description: stringOf(state.description) ?? "",
  };
  const status = stringOf(state.status) ?? "";
  if (!KNOWN_STATUSES.has(status.trim().toLowerCase())) connection.unrecognizedStatus = status;
  const actions = stringOf(state.actionsRequired) ?? stringOf(state.actionRequired);
  if (actions !== undefined) connection.actionsRequired = actions;
  const provisioningState = stringOf(properties.provisioningState);
  if (provisioningState !== undefined) connection.provisioningState = provisioningState;
  return connection;
}

function checkPaasResourceId(resourceId: string): { subscriptionId: string } {
  const parsed = parseResourceId(resourceId);
  if (parsed.namespace === undefined || parsed.types.length !== 1) {
    throw new TypeError(`${JSON.stringify(resourceId)} is not a PaaS resource id; expected /subscriptions/{sub}/resourceGroups/{rg}/providers/{Namespace}/{type}/{name}`);
  }
  return { subscriptionId: parsed.subscriptionId };
}

function checkConnectionId(id: string): { subscriptionId: string } {
  const parsed = parseResourceId(id);
  if (parsed.types.length !== 2 || parsed.types[1]?.toLowerCase() !== "privateendpointconnections") {
    throw new TypeError(`${JSON.stringify(id)} is not a private endpoint connection id; expected {resourceId}/privateEndpointConnections/{name}`);
  }
  return { subscriptionId: parsed.subscriptionId };
}

function errorFromResponse(response: PipelineResponse): RestError {
  let code: string | undefined;
  let message = `HTTP ${response.status}`;
  try {
    const body: unknown = JSON.parse(response.bodyAsText ?? "");
    if (isRecord(body) && isRecord(body.error)) {
      code = stringOf(body.error.code);
      message = stringOf(body.error.message) ?? message;
    }
  } catch {
    // Not an ARM error body; the status says enough.
  }
  return new RestError(message, { code, statusCode: response.status, request: response.request, response });
}

/** GETs a collection and follows `nextLink` on the same origin, yielding each page's items (any ARM list through the authenticated pipeline). */
export async function* iteratePages(clients: ArmClients, subscriptionId: string, firstUrl: string, abortSignal?: AbortSignalLike): AsyncGenerator<unknown[], void, undefined> {
  const client = clients.resources(subscriptionId);
  const seen = new Set<string>();
  let url: string | undefined = firstUrl;
  for (let page = 0; url !== undefined; page += 1) {
    if (page >= MAX_PAGES || seen.has(url)) throw new RangeError(`Paging ${firstUrl} did not end after ${page} pages (nextLink repeated or too many pages)`);
    seen.add(url);
    // Bearer tokens go to the configured ARM origin only, whatever a nextLink says.
    if (new URL(url).origin !== clients.endpoint) throw new RangeError(`nextLink ${url} leaves the ARM endpoint ${clients.endpoint}; refusing to follow it`);
    const response = await client.sendRequest(createPipelineRequest({ url, method: "GET", abortSignal }));
    if (response.status !== 200) throw errorFromResponse(response);
    const body: unknown = JSON.parse(response.bodyAsText ?? "{}");
    if (!isRecord(body)) throw new TypeError(`GET ${url} returned no JSON object; expected { value: [...], nextLink? }`);
    yield Array.isArray(body.value) ? body.value : [];
    url = stringOf(body.nextLink) || undefined;
  }
}

/** Every item of a paged ARM list (see `iteratePages`). */
export async function listAllPages(clients: ArmClients, subscriptionId: string, firstUrl: string, abortSignal?: AbortSignalLike): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const page of iteratePages(clients, subscriptionId, firstUrl, abortSignal)) items.push(...page);
  return items;
}

/** The PaaS resource (type, location, tags) a policy decides on, or `undefined` when it is gone. */
export async function getLinkTarget(clients: ArmClients, resourceId: string): Promise<LinkTarget | undefined> {
  const provider = linkProviderFor(resourceId);
  const { subscriptionId } = checkPaasResourceId(resourceId);
  const resource = await armRead({ operation: ArmOperations.getLinkTarget, scope: resourceId, parameters: { resourceType: provider.resourceType } }, () =>
    clients.resources(subscriptionId).resources.getById(resourceId, provider.apiVersion),
  );
  if (resource === undefined) return undefined;
  return {
    id: resource.id ?? resourceId,
    type: resource.type ?? provider.resourceType,
    location: normalizeLocation(resource.location),
    tags: { ...(resource.tags ?? {}) },
  };
}

/** Every private endpoint connection on a PaaS resource (paged); empty when the resource is gone. */
export async function listConnections(clients: ArmClients, resourceId: string, options: { abortSignal?: AbortSignalLike } = {}): Promise<Connection[]> {
  const provider = linkProviderFor(resourceId);
  const { subscriptionId } = checkPaasResourceId(resourceId);
  const url = `${clients.endpoint}${encodeURI(resourceId)}/privateEndpointConnections?api-version=${provider.apiVersion}`;
  const items = await armRead({ operation: ArmOperations.listConnections, scope: resourceId, parameters: { resourceType: provider.resourceType } }, () =>
    listAllPages(clients, subscriptionId, url, options.abortSignal),
  );
  return (items ?? []).map(toConnection);
}

/** A connection as read, with its ETag when the provider gives connections one (Batch, Key Vault). */
export type VersionedConnection = Connection & { etag?: string };

/** One connection with its ETag, or `undefined` when it (or its resource) is gone. */
export async function getConnection(clients: ArmClients, id: string): Promise<VersionedConnection | undefined> {
  const provider = linkProviderFor(id);
  const { subscriptionId } = checkConnectionId(id);
  let etag: string | undefined;
  const resource = await armRead({ operation: ArmOperations.getConnection, scope: id, parameters: { resourceType: provider.resourceType } }, () =>
    clients.resources(subscriptionId).resources.getById(id, provider.apiVersion, {
      // The generic resource model drops `etag`: take it from the body as sent, or the header.
      onResponse: (raw) => {
        const body: unknown = raw.parsedBody;
        etag = (isRecord(body) ? stringOf(body.etag) : undefined) ?? raw.headers.get("etag") ?? undefined;
      },
    }),
  );
  if (resource === undefined) return undefined;
  const connection: VersionedConnection = toConnection(resource);
  if (etag !== undefined && etag !== "") connection.etag = etag;
  return connection;
}

async function setConnectionState(
  clients: ArmClients,
  operation: ArmOperation,
  id: string,
  status: ConnectionStatus,
  description: string,
  options: UpdateConnectionOptions,
): Promise<Connection | undefined> {
  if (typeof description !== "string") throw new TypeError(`description must be a string, got ${JSON.stringify(description)}`);
  const provider = linkProviderFor(id);
  const { subscriptionId } = checkConnectionId(id);
  const state: Record<string, string> = { status, description };
  if (provider.actionsField !== undefined) state[provider.actionsField] = "None";
  const body: GenericResource = { properties: { privateLinkServiceConnectionState: state } };
  const lroOptions = {
    updateIntervalInMs: options.updateIntervalInMs,
    abortSignal: options.abortSignal,
    ...(options.ifMatch !== undefined ? { requestOptions: { customHeaders: { "If-Match": options.ifMatch } } } : {}),
  };
  const resources = clients.resources(subscriptionId).resources;
  // A write to a connection that no longer exists answers 404: gone, as for reads.
  const updated = await armRead({ operation, scope: id, parameters: { resourceType: provider.resourceType } }, () =>
    provider.updateMethod === "PATCH"
      ? resources.beginUpdateByIdAndWait(id, provider.apiVersion, body, lroOptions)
      : resources.beginCreateOrUpdateByIdAndWait(id, provider.apiVersion, body, lroOptions),
  );
  if (updated === undefined) return undefined;
  // Some providers answer a long-running write without a body; read the result back then.
  if (typeof updated.id !== "string" || !isRecord(updated.properties)) return getConnection(clients, id);
  return toConnection(updated);
}

/**
 * Approves a connection, writing `description` (rule and reason) into its state. Returns the
 * connection as ARM reports it after the write, or `undefined` when the connection is gone.
 */
export async function approveConnection(clients: ArmClients, id: string, description: string, options: ApproveConnectionOptions = {}): Promise<Connection | undefined> {
  return setConnectionState(clients, ArmOperations.approveConnection, id, "Approved", description, options);
}

/** Rejects a connection, writing `description` into its state; `undefined` when the connection is gone. */
export async function rejectConnection(clients: ArmClients, id: string, description: string, options: RejectConnectionOptions = {}): Promise<Connection | undefined> {
  return setConnectionState(clients, ArmOperations.rejectConnection, id, "Rejected", description, options);
}

/**
 * Deletes a connection from the resource side (`DELETE {resourceId}/privateEndpointConnections/{name}`,
 * long-running on most providers: polled to the end). A connection that is already gone counts as
 * deleted. Failures as `armCall`: a 403 is a `PermissionDeniedError` naming the delete action.
 */
export async function deleteConnection(clients: ArmClients, id: string, options: DeleteConnectionOptions = {}): Promise<void> {
  const provider = linkProviderFor(id);
  const { subscriptionId } = checkConnectionId(id);
  await armRead({ operation: ArmOperations.deleteConnection, scope: id, parameters: { resourceType: provider.resourceType } }, () =>
    clients.resources(subscriptionId).resources.beginDeleteByIdAndWait(id, provider.apiVersion, { updateIntervalInMs: options.updateIntervalInMs, abortSignal: options.abortSignal }),
  );
}
