/**
 * @module ARM routes of the PaaS resources that accept private endpoints (Batch accounts, ML
 * workspaces, storage accounts, key vaults): the resource itself, its private endpoint connections
 * (approve/reject/delete, long-running the way each provider's examples show) and its private link
 * resources.
 */
import { ArmError, badRequest, resourceNotFound } from "./armError";
import { connectionBody, privateLinkResourceBodies, resourceBody } from "./armPayloads";
import type { ConnectionRecord } from "./estate";
import { newEtag, sameEtag } from "./estate";
import type { PaasResource, PrivateLinkService } from "./privateLinkServices";
import { PRIVATE_LINK_SERVICES } from "./privateLinkServices";
import type { ArmRequest, ArmResponse, Route, RouteContext } from "./router";
import { isRecord, objectBody, operationUrls, page, param, publishChange, route } from "./router";
import type { ConnectionStatus } from "./estateSeed";

const SETTABLE: readonly ConnectionStatus[] = ["Approved", "Rejected", "Pending"];

function routesFor(service: PrivateLinkService): Route[] {
  const [namespace, type] = service.resourceType.split("/") as [string, string];
  const base = `/subscriptions/{sub}/resourceGroups/{rg}/providers/${namespace}/${type}/{name}`;
  const pecType = `${service.resourceType}/privateEndpointConnections`;
  const op = (suffix: string): string => `${type}${suffix}`;

  const resourceOf = (request: ArmRequest, context: RouteContext): PaasResource => {
    context.estate.requireScope(param(request, "sub"), param(request, "rg"));
    const resource = context.estate.getResource(`/subscriptions/${param(request, "sub")}/resourceGroups/${param(request, "rg")}/providers/${service.resourceType}/${param(request, "name")}`);
    if (resource === undefined) throw resourceNotFound(service.resourceType, param(request, "name"), param(request, "rg"));
    return resource;
  };
  const connectionOf = (request: ArmRequest, context: RouteContext): { resource: PaasResource; connection: ConnectionRecord | undefined } => {
    const resource = resourceOf(request, context);
    return { resource, connection: context.estate.getConnection(`${resource.id}/privateEndpointConnections/${param(request, "connection")}`) };
  };
  const checkIfMatch = (request: ArmRequest, connection: ConnectionRecord): void => {
    const ifMatch = request.headers["if-match"];
    if (typeof ifMatch === "string" && ifMatch.trim() !== "*" && !sameEtag(ifMatch, connection.etag)) {
      throw new ArmError(412, "PreconditionFailed", `The etag ${ifMatch} does not match the connection's etag ${connection.etag}.`);
    }
  };

  const writeConnection = (request: ArmRequest, context: RouteContext): ArmResponse => {
    const { resource, connection } = connectionOf(request, context);
    if (connection === undefined) throw resourceNotFound(pecType, `${resource.name}/${param(request, "connection")}`, param(request, "rg"));
    checkIfMatch(request, connection);
    const body = objectBody(request);
    const props = isRecord(body.properties) ? body.properties : undefined;
    const state = props !== undefined && isRecord(props.privateLinkServiceConnectionState) ? props.privateLinkServiceConnectionState : undefined;
    const status = state?.status;
    if (typeof status !== "string" || !SETTABLE.includes(status as ConnectionStatus)) {
      throw badRequest(`properties.privateLinkServiceConnectionState.status must be one of ${SETTABLE.join(", ")}, got ${JSON.stringify(status)}.`, "InvalidPrivateEndpointConnectionStatus");
    }
    const description = typeof state?.description === "string" ? state.description : connection.state.description;
    const id = connection.id;
    const commit = (): ArmResponse => {
      const updated = context.estate.setConnectionState(id, status as ConnectionStatus, description);
      publishChange(context, request, "write", id, `${pecType}/write`);
      return { status: 200, body: connectionBody(updated) };
    };
    if (service.putStyle === "sync") {
      const response = commit();
      return connection.etag !== "" && service.connectionEtag ? { ...response, headers: { ETag: context.estate.getConnection(id)?.etag ?? "" } } : response;
    }
    connection.provisioningState = "Updating";
    connection.etag = newEtag();
    const operation = context.operations.start(() => {
      const { status: code, body: result } = commit();
      return { status: code, ...(isRecord(result) ? { body: result } : {}) };
    });
    const urls = operationUrls(context, request, param(request, "sub"), namespace, resource.location, operation.id);
    return { status: 202, headers: { Location: urls.location, "Azure-AsyncOperation": urls.asyncOperation, "Retry-After": context.operations.retryAfter(operation) } };
  };

  const deleteConnection = (request: ArmRequest, context: RouteContext): ArmResponse => {
    const { resource, connection } = connectionOf(request, context);
    if (connection === undefined) return { status: 204 };
    const id = connection.id;
    const commit = (): ConnectionRecord | undefined => {
      const removed = context.estate.removeConnection(id);
      if (removed !== undefined) publishChange(context, request, "delete", id, `${pecType}/delete`);
      return removed;
    };
    if (service.deleteStyle === "sync") {
      commit();
      return { status: 200 };
    }
    connection.provisioningState = "Deleting";
    const operation = context.operations.start(() => {
      const removed = commit();
      // Key Vault's example answers the finished delete with the connection, now Disconnected.
      if (service.family === "keyVault" && removed !== undefined) {
        return { status: 200, body: { id: removed.id, name: removed.name, type: pecType, properties: { provisioningState: "Disconnected" } } };
      }
      return { status: 204 };
    });
    const urls = operationUrls(context, request, param(request, "sub"), namespace, resource.location, operation.id);
    return { status: 202, headers: { Location: urls.location, "Retry-After": context.operations.retryAfter(operation) } };
  };

  const routes: Route[] = [
    // The list by subscription carries each resource's connections, as the real providers' lists do.
    route("GET", `/subscriptions/{sub}/providers/${namespace}/${type}`, op(":list"), service.family, service.resourceType, (request, context) => {
      context.estate.requireScope(param(request, "sub"));
      const sub = param(request, "sub").toLowerCase();
      const wanted = service.resourceType.toLowerCase();
      const resources = context.estate.cached(`resources|${sub}|${wanted}`, () => context.estate.listResources().filter((r) => r.subscriptionId.toLowerCase() === sub && r.type.toLowerCase() === wanted));
      const connections = context.estate.connectionsByResource();
      return page(resources, request, context, (r) => resourceBody(context.estate, r, connections.get(r.id.toLowerCase()) ?? []));
    }),
    route("GET", base, op(":get"), service.family, service.resourceType, (request, context) => ({ status: 200, body: resourceBody(context.estate, resourceOf(request, context)) })),
    route("GET", `${base}/privateEndpointConnections`, op("/privateEndpointConnections:list"), service.family, pecType, (request, context) => {
      const connections = context.estate.listConnections(resourceOf(request, context).id);
      return service.pagedLists.connections ? page(connections, request, context, connectionBody) : { status: 200, body: { value: connections.map(connectionBody) } };
    }),
    route("GET", `${base}/privateEndpointConnections/{connection}`, op("/privateEndpointConnections:get"), service.family, pecType, (request, context) => {
      const { resource, connection } = connectionOf(request, context);
      if (connection === undefined) throw resourceNotFound(pecType, `${resource.name}/${param(request, "connection")}`, param(request, "rg"));
      return { status: 200, body: connectionBody(connection), ...(service.connectionEtag ? { headers: { ETag: connection.etag } } : {}) };
    }),
    route("PUT", `${base}/privateEndpointConnections/{connection}`, op("/privateEndpointConnections:createOrUpdate"), service.family, pecType, writeConnection),
    route("DELETE", `${base}/privateEndpointConnections/{connection}`, op("/privateEndpointConnections:delete"), service.family, pecType, deleteConnection),
    route("GET", `${base}/privateLinkResources`, op("/privateLinkResources:list"), service.family, `${service.resourceType}/privateLinkResources`, (request, context) => {
      const bodies = privateLinkResourceBodies(resourceOf(request, context));
      return service.pagedLists.privateLinkResources ? page(bodies, request, context, (b) => b) : { status: 200, body: { value: bodies } };
    }),
    route("GET", `${base}/privateLinkResources/{group}`, op("/privateLinkResources:get"), service.family, `${service.resourceType}/privateLinkResources`, (request, context) => {
      const resource = resourceOf(request, context);
      const found = privateLinkResourceBodies(resource).find((r) => String(r.name).toLowerCase() === param(request, "group").toLowerCase());
      if (found === undefined) throw resourceNotFound(`${service.resourceType}/privateLinkResources`, `${resource.name}/${param(request, "group")}`, param(request, "rg"));
      return { status: 200, body: found };
    }),
  ];
  if (service.family === "batch") {
    routes.push(route("PATCH", `${base}/privateEndpointConnections/{connection}`, op("/privateEndpointConnections:update"), service.family, pecType, writeConnection));
  }
  return routes;
}

export const PAAS_ROUTES: readonly Route[] = PRIVATE_LINK_SERVICES.flatMap(routesFor);
