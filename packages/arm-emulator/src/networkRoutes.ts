/**
 * @module ARM routes of Microsoft.Network private endpoints: endpoints (long-running PUT and
 * DELETE), their NICs and their private DNS zone groups.
 */
import { ArmError, badRequest, resourceNotFound } from "./armError";
import { networkInterfaceBody, privateEndpointBody, zoneGroupBody } from "./armPayloads";
import type { CreateEndpointOptions, EndpointRecord } from "./estate";
import type { LongRunningOperation } from "./operations";
import type { ArmRequest, ArmResponse, Route, RouteContext } from "./router";
import { isRecord, objectBody, operationUrls, page, param, publishChange, readTags, route } from "./router";

const RG = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network";
const PE_TYPE = "Microsoft.Network/privateEndpoints";

function endpointId(request: ArmRequest): string {
  return `/subscriptions/${param(request, "sub")}/resourceGroups/${param(request, "rg")}/providers/Microsoft.Network/privateEndpoints/${param(request, "pe")}`;
}

function requireEndpoint(request: ArmRequest, context: RouteContext): EndpointRecord {
  context.estate.requireScope(param(request, "sub"), param(request, "rg"));
  const endpoint = context.estate.getEndpoint(endpointId(request));
  if (endpoint === undefined) throw resourceNotFound(PE_TYPE, param(request, "pe"), param(request, "rg"));
  return endpoint;
}

/** Response headers of an accepted Network long-running operation. */
function asyncHeaders(context: RouteContext, request: ArmRequest, location: string, operation: LongRunningOperation, withLocation: boolean): Record<string, string> {
  const urls = operationUrls(context, request, param(request, "sub"), "Microsoft.Network", location, operation.id);
  return { "Azure-AsyncOperation": urls.asyncOperation, ...(withLocation ? { Location: urls.location } : {}), "Retry-After": context.operations.retryAfter(operation) };
}

interface LinkInput {
  name: string;
  targetResourceId: string;
  groupIds: string[];
  requestMessage?: string;
  manual: boolean;
}

function readLinks(properties: Record<string, unknown>): LinkInput[] {
  const links: LinkInput[] = [];
  for (const [collection, manual] of [["privateLinkServiceConnections", false], ["manualPrivateLinkServiceConnections", true]] as const) {
    const list = properties[collection];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw badRequest(`properties.${collection} must be an array.`, "InvalidRequestFormat");
    for (const item of list) {
      const props = isRecord(item) && isRecord(item.properties) ? item.properties : undefined;
      const target = props?.privateLinkServiceId;
      const groupIds = props?.groupIds;
      if (props === undefined || typeof target !== "string" || !Array.isArray(groupIds) || !groupIds.every((g) => typeof g === "string")) {
        throw badRequest(`Each of properties.${collection} needs properties.privateLinkServiceId (string) and properties.groupIds (string[]).`, "InvalidRequestFormat");
      }
      links.push({
        name: isRecord(item) && typeof item.name === "string" ? item.name : "",
        targetResourceId: target,
        groupIds: groupIds as string[],
        manual,
        ...(typeof props.requestMessage === "string" ? { requestMessage: props.requestMessage } : {}),
      });
    }
  }
  return links;
}

function putEndpoint(request: ArmRequest, context: RouteContext): ArmResponse {
  const { estate } = context;
  const sub = param(request, "sub");
  const rg = param(request, "rg");
  estate.requireScope(sub, rg);
  const body = objectBody(request);
  const tags = readTags(body);
  const existing = estate.getEndpoint(endpointId(request));
  const delayed = context.asyncDelayMs() > 0;
  let endpoint: EndpointRecord;
  let created = false;
  if (existing !== undefined) {
    endpoint = estate.updatePrivateEndpoint(existing.id, tags);
  } else {
    const properties = isRecord(body.properties) ? body.properties : {};
    const links = readLinks(properties);
    if (links.length !== 1) {
      throw badRequest("A private endpoint needs exactly one connection in privateLinkServiceConnections or manualPrivateLinkServiceConnections.", "InvalidRequestFormat");
    }
    const link = links[0] as LinkInput;
    const subnetId = isRecord(properties.subnet) && typeof properties.subnet.id === "string" ? properties.subnet.id : undefined;
    if (subnetId === undefined) throw badRequest("properties.subnet.id is required.", "InvalidRequestFormat");
    const staticIps: Record<string, string> = {};
    for (const c of Array.isArray(properties.ipConfigurations) ? properties.ipConfigurations : []) {
      const p = isRecord(c) && isRecord(c.properties) ? c.properties : {};
      if (typeof p.memberName === "string" && typeof p.privateIPAddress === "string") staticIps[p.memberName] = p.privateIPAddress;
    }
    const options: CreateEndpointOptions = { linkName: link.name === "" ? param(request, "pe") : link.name, staticIps };
    if (typeof properties.customNetworkInterfaceName === "string" && properties.customNetworkInterfaceName !== "") options.customNetworkInterfaceName = properties.customNetworkInterfaceName;
    endpoint = estate.createPrivateEndpoint(
      {
        subscriptionId: sub,
        resourceGroup: rg,
        name: param(request, "pe"),
        subnetId,
        ...(typeof body.location === "string" ? { location: body.location } : {}),
        targetResourceId: link.targetResourceId,
        groupIds: link.groupIds,
        manual: link.manual,
        ...(link.requestMessage !== undefined ? { requestMessage: link.requestMessage } : {}),
        tags,
      },
      options,
    );
    created = true;
  }
  if (delayed) endpoint.provisioningState = "Updating";
  const id = endpoint.id;
  const operation = context.operations.start(() => {
    const current = estate.getEndpoint(id);
    if (current === undefined) throw new ArmError(409, "Conflict", `Private endpoint ${id} was deleted while being written.`);
    current.provisioningState = "Succeeded";
    publishChange(context, request, "write", id, "Microsoft.Network/privateEndpoints/write");
    return { status: 200, body: privateEndpointBody(estate, current) };
  });
  return { status: created ? 201 : 200, body: privateEndpointBody(estate, endpoint), headers: asyncHeaders(context, request, endpoint.location, operation, false) };
}

function deleteEndpoint(request: ArmRequest, context: RouteContext): ArmResponse {
  const { estate } = context;
  estate.requireScope(param(request, "sub"), param(request, "rg"));
  const endpoint = estate.getEndpoint(endpointId(request));
  if (endpoint === undefined) return { status: 204 };
  endpoint.provisioningState = "Deleting";
  const id = endpoint.id;
  const operation = context.operations.start(() => {
    if (estate.deletePrivateEndpoint(id) !== undefined) publishChange(context, request, "delete", id, "Microsoft.Network/privateEndpoints/delete");
    return { status: 204 };
  });
  return { status: 202, headers: asyncHeaders(context, request, endpoint.location, operation, true) };
}

function putZoneGroup(request: ArmRequest, context: RouteContext): ArmResponse {
  const endpoint = requireEndpoint(request, context);
  const body = objectBody(request);
  const configs = isRecord(body.properties) ? body.properties.privateDnsZoneConfigs : undefined;
  if (!Array.isArray(configs)) throw badRequest("properties.privateDnsZoneConfigs must be an array.", "InvalidRequestFormat");
  const zones = configs.map((c) => {
    const zoneId = isRecord(c) && isRecord(c.properties) ? c.properties.privateDnsZoneId : undefined;
    if (typeof zoneId !== "string") throw badRequest("Each privateDnsZoneConfigs entry needs properties.privateDnsZoneId.", "InvalidRequestFormat");
    return { zoneId, ...(isRecord(c) && typeof c.name === "string" ? { name: c.name } : {}) };
  });
  const { group, created } = context.estate.putZoneGroup(endpoint.id, param(request, "group"), zones);
  const delayed = context.asyncDelayMs() > 0;
  const operation = context.operations.start(() => {
    publishChange(context, request, "write", group.id, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write");
    return { status: 200, body: zoneGroupBody(group) };
  });
  return { status: created ? 201 : 200, body: zoneGroupBody(group, delayed ? "Updating" : "Succeeded"), headers: asyncHeaders(context, request, endpoint.location, operation, false) };
}

function deleteZoneGroup(request: ArmRequest, context: RouteContext): ArmResponse {
  const endpoint = requireEndpoint(request, context);
  const name = param(request, "group");
  const group = endpoint.zoneGroups.find((g) => g.name.toLowerCase() === name.toLowerCase());
  if (group === undefined) return { status: 204 };
  const operation = context.operations.start(() => {
    if (context.estate.deleteZoneGroup(endpoint.id, name) !== undefined) {
      publishChange(context, request, "delete", group.id, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups/delete");
    }
    return { status: 204 };
  });
  return { status: 202, headers: asyncHeaders(context, request, endpoint.location, operation, true) };
}

export const NETWORK_ROUTES: readonly Route[] = [
  route("GET", "/subscriptions/{sub}/providers/Microsoft.Network/privateEndpoints", "privateEndpoints:listBySubscription", "network", PE_TYPE, (request, context) => {
    context.estate.requireScope(param(request, "sub"));
    return page(context.estate.listEndpoints(param(request, "sub")), request, context, (e) => privateEndpointBody(context.estate, e));
  }),
  route("GET", `${RG}/privateEndpoints`, "privateEndpoints:list", "network", PE_TYPE, (request, context) => {
    context.estate.requireScope(param(request, "sub"), param(request, "rg"));
    return page(context.estate.listEndpoints(param(request, "sub"), param(request, "rg")), request, context, (e) => privateEndpointBody(context.estate, e));
  }),
  route("GET", `${RG}/privateEndpoints/{pe}`, "privateEndpoints:get", "network", PE_TYPE, (request, context) => ({
    status: 200,
    body: privateEndpointBody(context.estate, requireEndpoint(request, context)),
  })),
  route("PUT", `${RG}/privateEndpoints/{pe}`, "privateEndpoints:createOrUpdate", "network", PE_TYPE, putEndpoint),
  route("DELETE", `${RG}/privateEndpoints/{pe}`, "privateEndpoints:delete", "network", PE_TYPE, deleteEndpoint),
  route("GET", `${RG}/privateEndpoints/{pe}/privateDnsZoneGroups`, "privateDnsZoneGroups:list", "network", `${PE_TYPE}/privateDnsZoneGroups`, (request, context) => {
    const endpoint = requireEndpoint(request, context);
    return page(endpoint.zoneGroups, request, context, (g) => zoneGroupBody(g));
  }),
  route("GET", `${RG}/privateEndpoints/{pe}/privateDnsZoneGroups/{group}`, "privateDnsZoneGroups:get", "network", `${PE_TYPE}/privateDnsZoneGroups`, (request, context) => {
    const endpoint = requireEndpoint(request, context);
    const group = endpoint.zoneGroups.find((g) => g.name.toLowerCase() === param(request, "group").toLowerCase());
    if (group === undefined) throw resourceNotFound(`${PE_TYPE}/privateDnsZoneGroups`, `${endpoint.name}/${param(request, "group")}`, param(request, "rg"));
    return { status: 200, body: zoneGroupBody(group) };
  }),
  route("PUT", `${RG}/privateEndpoints/{pe}/privateDnsZoneGroups/{group}`, "privateDnsZoneGroups:createOrUpdate", "network", `${PE_TYPE}/privateDnsZoneGroups`, putZoneGroup),
  route("DELETE", `${RG}/privateEndpoints/{pe}/privateDnsZoneGroups/{group}`, "privateDnsZoneGroups:delete", "network", `${PE_TYPE}/privateDnsZoneGroups`, deleteZoneGroup),
  route("GET", `${RG}/networkInterfaces/{nic}`, "networkInterfaces:get", "network", "Microsoft.Network/networkInterfaces", (request, context) => {
    context.estate.requireScope(param(request, "sub"), param(request, "rg"));
    const nic = context.estate.getNic(`/subscriptions/${param(request, "sub")}/resourceGroups/${param(request, "rg")}/providers/Microsoft.Network/networkInterfaces/${param(request, "nic")}`);
    if (nic === undefined) throw resourceNotFound("Microsoft.Network/networkInterfaces", param(request, "nic"), param(request, "rg"));
    return { status: 200, body: networkInterfaceBody(nic) };
  }),
];
