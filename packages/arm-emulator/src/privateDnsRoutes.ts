/**
 * @module ARM routes of Private DNS (Microsoft.Network/privateDnsZones): zones and virtual network
 * links (writes long-running, polled on `privateDnsOperationStatuses`/`privateDnsOperationResults`, as
 * the real service), and A/CNAME record sets with ETag preconditions and `$top` paging (writes
 * synchronous, as the real service).
 */
import { parseArmId } from "./armIds";
import { ArmError, badRequest, resourceNotFound } from "./armError";
import { recordSetBody, soaRecordSetBody, virtualNetworkLinkBody, zoneBody } from "./armPayloads";
import type { RecordSetInput, RecordSetRecord, WriteConditions, ZoneRecord } from "./estate";
import { sameEtag } from "./estate";
import type { LongRunningOperation } from "./operations";
import { newGuid } from "./random";
import type { ArmRequest, ArmResponse, Route, RouteContext } from "./router";
import { isRecord, objectBody, page, param, publishChange, readTags, route } from "./router";

const RG = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/privateDnsZones";
const ZONE_TYPE = "Microsoft.Network/privateDnsZones";
/** The record types of the Private DNS API; the emulator stores A and CNAME only. */
const RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "PTR", "SOA", "SRV", "TXT"];
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function zoneOf(request: ArmRequest, context: RouteContext): ZoneRecord {
  context.estate.requireScope(param(request, "sub"), param(request, "rg"));
  return context.estate.getZone(param(request, "sub"), param(request, "rg"), param(request, "zone"));
}

function recordType(request: ArmRequest): string {
  const type = param(request, "type").toUpperCase();
  if (!RECORD_TYPES.includes(type)) throw badRequest(`The record type '${param(request, "type")}' is not valid; expected one of ${RECORD_TYPES.join(", ")}.`, "InvalidRecordType");
  return type;
}

function storedType(request: ArmRequest): "A" | "CNAME" {
  const type = recordType(request);
  if (type !== "A" && type !== "CNAME") throw badRequest(`The emulator serves A and CNAME record sets only, not ${type}.`, "BadRequest");
  return type;
}

function conditions(request: ArmRequest): WriteConditions {
  const ifMatch = request.headers["if-match"];
  const ifNoneMatch = request.headers["if-none-match"];
  return { ...(typeof ifMatch === "string" ? { ifMatch } : {}), ...(typeof ifNoneMatch === "string" ? { ifNoneMatch } : {}) };
}

/** Reads the writable properties of a record set body; `base` supplies what a PATCH leaves out. */
function readRecordSet(request: ArmRequest, type: "A" | "CNAME", base?: RecordSetRecord): RecordSetInput {
  const body = objectBody(request);
  const props = body.properties === undefined ? {} : body.properties;
  if (!isRecord(props)) throw badRequest("properties must be an object.", "InvalidRequestContent");
  const ttl = props.ttl === undefined ? (base?.ttl ?? 3600) : props.ttl;
  if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647) throw badRequest(`ttl must be a non-negative integer, got ${JSON.stringify(props.ttl)}.`, "InvalidParameter");
  const metadata = props.metadata === undefined || props.metadata === null ? (base?.metadata ?? {}) : props.metadata;
  if (!isRecord(metadata) || !Object.values(metadata).every((v) => typeof v === "string")) throw badRequest("metadata must be an object of strings.", "InvalidParameter");
  if (type === "A") {
    if (props.cnameRecord !== undefined) throw badRequest("An A record set cannot carry cnameRecord.", "BadRequest");
    const list = props.aRecords === undefined ? (base?.aRecords ?? []).map((ipv4Address) => ({ ipv4Address })) : props.aRecords;
    if (!Array.isArray(list)) throw badRequest("aRecords must be an array.", "InvalidParameter");
    const aRecords = list.map((r) => {
      const ip = isRecord(r) ? r.ipv4Address : undefined;
      if (typeof ip !== "string" || !IPV4.test(ip)) throw badRequest(`aRecords entry ${JSON.stringify(r)} needs an IPv4 ipv4Address.`, "InvalidParameter");
      return ip;
    });
    return { ttl, metadata: metadata as Record<string, string>, aRecords };
  }
  if (props.aRecords !== undefined) throw badRequest("A CNAME record set cannot carry aRecords.", "BadRequest");
  const cnameRecord = props.cnameRecord === undefined && base !== undefined ? { cname: base.cname } : props.cnameRecord;
  const cname = isRecord(cnameRecord) ? cnameRecord.cname : undefined;
  if (typeof cname !== "string" || cname === "") throw badRequest("A CNAME record set needs cnameRecord.cname.", "InvalidParameter");
  return { ttl, metadata: metadata as Record<string, string>, aRecords: [], cname };
}

function recordId(zone: ZoneRecord, type: string, name: string): string {
  return `${zone.id}/${type}/${name.toLowerCase()}`;
}

function withEtag(record: RecordSetRecord, status: number): ArmResponse {
  return { status, body: recordSetBody(record), headers: { ETag: record.etag } };
}

function putRecordSet(request: ArmRequest, context: RouteContext): ArmResponse {
  const zone = zoneOf(request, context);
  const type = storedType(request);
  const input = readRecordSet(request, type);
  const { record, created } = context.estate.putRecordSet(zone, type, param(request, "name"), input, conditions(request));
  publishChange(context, request, "write", recordId(zone, type, record.name), `Microsoft.Network/privateDnsZones/${type}/write`);
  return withEtag(record, created ? 201 : 200);
}

function patchRecordSet(request: ArmRequest, context: RouteContext): ArmResponse {
  const zone = zoneOf(request, context);
  const type = storedType(request);
  const existing = context.estate.getRecordSet(zone, type, param(request, "name"));
  if (existing === undefined) throw resourceNotFound(`${ZONE_TYPE}/${type}`, `${zone.name}/${param(request, "name").toLowerCase()}`, param(request, "rg"));
  const input = readRecordSet(request, type, existing);
  const ifMatch = conditions(request).ifMatch;
  const { record } = context.estate.putRecordSet(zone, type, param(request, "name"), input, { ifMatch: ifMatch ?? existing.etag });
  publishChange(context, request, "write", recordId(zone, type, record.name), `Microsoft.Network/privateDnsZones/${type}/write`);
  return withEtag(record, 200);
}

function deleteRecordSet(request: ArmRequest, context: RouteContext): ArmResponse {
  const zone = zoneOf(request, context);
  const type = recordType(request);
  if (type === "SOA") throw new ArmError(400, "BadRequest", "The SOA record set of a zone cannot be deleted.");
  const deleted = context.estate.deleteRecordSet(zone, type, param(request, "name"), conditions(request));
  if (deleted === undefined) return { status: 204 };
  publishChange(context, request, "delete", recordId(zone, type, deleted.name), `Microsoft.Network/privateDnsZones/${type}/delete`);
  return { status: 200 };
}

function getRecordSet(request: ArmRequest, context: RouteContext): ArmResponse {
  const zone = zoneOf(request, context);
  const type = recordType(request);
  if (type === "SOA" && param(request, "name") === "@") return { status: 200, body: soaRecordSetBody(zone) };
  const record = context.estate.getRecordSet(zone, type, param(request, "name"));
  if (record === undefined) throw resourceNotFound(`${ZONE_TYPE}/${type}`, `${zone.name}/${param(request, "name").toLowerCase()}`, param(request, "rg"));
  return withEtag(record, 200);
}

/** 202 with the URLs Private DNS's long-running operations are polled on. */
function accepted(request: ArmRequest, context: RouteContext, operation: LongRunningOperation): ArmResponse {
  const base = `${context.baseUrl}/subscriptions/${param(request, "sub")}/providers/Microsoft.Network`;
  const query = `?api-version=${encodeURIComponent(request.apiVersion)}`;
  return {
    status: 202,
    headers: {
      "Azure-AsyncOperation": `${base}/privateDnsOperationStatuses/${operation.id}${query}`,
      Location: `${base}/privateDnsOperationResults/${operation.id}${query}`,
      "Retry-After": context.operations.retryAfter(operation),
    },
  };
}

/** ARM's 412 when `If-Match` / `If-None-Match` do not hold for `existing` (a zone or a link). */
function checkPreconditions(request: ArmRequest, what: string, existing: { etag: string } | undefined): void {
  const { ifMatch, ifNoneMatch } = conditions(request);
  if (ifNoneMatch !== undefined && existing !== undefined && (ifNoneMatch.trim() === "*" || sameEtag(ifNoneMatch, existing.etag))) {
    throw new ArmError(412, "PreconditionFailed", `The ${what} already exists (If-None-Match).`);
  }
  if (ifMatch !== undefined && (existing === undefined || (ifMatch.trim() !== "*" && !sameEtag(ifMatch, existing.etag)))) {
    throw new ArmError(412, "PreconditionFailed", `The ${what} does not match If-Match ${ifMatch}.`);
  }
}

function zoneId(request: ArmRequest): string {
  return `/subscriptions/${param(request, "sub")}/resourceGroups/${param(request, "rg")}/providers/${ZONE_TYPE}/${param(request, "zone").toLowerCase()}`;
}

function putZone(request: ArmRequest, context: RouteContext): ArmResponse {
  const { estate } = context;
  estate.requireScope(param(request, "sub"), param(request, "rg"));
  const tags = readTags(objectBody(request));
  const id = zoneId(request);
  checkPreconditions(request, `zone ${param(request, "zone")}`, estate.findZone(id));
  const operation = context.operations.start(() => {
    const existing = estate.findZone(id);
    const zone = existing ?? estate.addZone(param(request, "sub"), param(request, "rg"), param(request, "zone"), tags);
    if (existing !== undefined) Object.assign(existing, { tags, etag: newGuid() });
    publishChange(context, request, "write", zone.id, `${ZONE_TYPE}/write`);
    return { status: 200, body: zoneBody(estate, zone) };
  });
  return accepted(request, context, operation);
}

function deleteZone(request: ArmRequest, context: RouteContext): ArmResponse {
  const { estate } = context;
  estate.requireScope(param(request, "sub"), param(request, "rg"));
  const id = zoneId(request);
  const zone = estate.findZone(id);
  if (zone === undefined) return { status: 204 };
  checkPreconditions(request, `zone ${zone.name}`, zone);
  // The spec: "Private DNS zone cannot be deleted unless all virtual network links to it are removed."
  if (zone.virtualNetworkLinks.length > 0) {
    throw new ArmError(409, "Conflict", `Private DNS zone ${zone.name} cannot be deleted unless all virtual network links to it are removed; it has ${zone.virtualNetworkLinks.length}.`);
  }
  const operation = context.operations.start(() => {
    const current = estate.findZone(id);
    if (current !== undefined) {
      estate.deleteZone(current);
      publishChange(context, request, "delete", current.id, `${ZONE_TYPE}/delete`);
    }
    return { status: 204 };
  });
  return accepted(request, context, operation);
}

const LINK_TYPE = `${ZONE_TYPE}/virtualNetworkLinks`;

function findLink(zone: ZoneRecord, name: string): ZoneRecord["virtualNetworkLinks"][number] | undefined {
  return zone.virtualNetworkLinks.find((l) => l.name.toLowerCase() === name.toLowerCase());
}

/** PUT replaces a link (virtualNetwork.id required); PATCH changes `registrationEnabled` and `tags` of an existing one. */
function writeLink(request: ArmRequest, context: RouteContext): ArmResponse {
  const zone = zoneOf(request, context);
  const name = param(request, "link");
  const existing = findLink(zone, name);
  if (request.method === "PATCH" && existing === undefined) throw resourceNotFound(LINK_TYPE, `${zone.name}/${name}`, param(request, "rg"));
  checkPreconditions(request, `virtual network link ${name}`, existing);
  const body = objectBody(request);
  const props = body.properties === undefined ? {} : body.properties;
  if (!isRecord(props)) throw badRequest("properties must be an object.", "InvalidRequestContent");
  const network = isRecord(props.virtualNetwork) ? props.virtualNetwork.id : undefined;
  const virtualNetworkId = request.method === "PATCH" ? (existing?.virtualNetworkId ?? "") : network;
  if (typeof virtualNetworkId !== "string" || virtualNetworkId === "") throw badRequest("properties.virtualNetwork.id is required.", "InvalidRequestContent");
  parseArmId(virtualNetworkId);
  const registration = props.registrationEnabled ?? (request.method === "PATCH" ? existing?.registrationEnabled : false);
  if (typeof registration !== "boolean") throw badRequest(`properties.registrationEnabled must be a boolean, got ${JSON.stringify(registration)}.`, "InvalidRequestContent");
  const resolutionPolicy = props.resolutionPolicy ?? (request.method === "PATCH" ? existing?.resolutionPolicy : "Default");
  if (resolutionPolicy !== "Default" && resolutionPolicy !== "NxDomainRedirect") {
    throw badRequest(`properties.resolutionPolicy must be Default or NxDomainRedirect, got ${JSON.stringify(resolutionPolicy)}.`, "InvalidRequestContent");
  }
  const tags = body.tags === undefined && existing !== undefined && request.method === "PATCH" ? existing.tags : readTags(body);
  const operation = context.operations.start(() => {
    const current = zoneOf(request, context);
    const { link } = context.estate.putVirtualNetworkLink(current, name, { virtualNetworkId, registrationEnabled: registration, resolutionPolicy, tags });
    publishChange(context, request, "write", link.id, `${LINK_TYPE}/write`);
    return { status: 200, body: virtualNetworkLinkBody(link) };
  });
  return accepted(request, context, operation);
}

function deleteLink(request: ArmRequest, context: RouteContext): ArmResponse {
  const zone = zoneOf(request, context);
  const existing = findLink(zone, param(request, "link"));
  if (existing === undefined) return { status: 204 };
  checkPreconditions(request, `virtual network link ${existing.name}`, existing);
  const operation = context.operations.start(() => {
    const removed = context.estate.findZone(zone.id) === undefined ? undefined : context.estate.deleteVirtualNetworkLink(zone, existing.name);
    if (removed !== undefined) publishChange(context, request, "delete", removed.id, `${LINK_TYPE}/delete`);
    return { status: 204 };
  });
  return accepted(request, context, operation);
}

type Listed = { soa: ZoneRecord } | { record: RecordSetRecord };

function renderListed(item: Listed): unknown {
  return "soa" in item ? soaRecordSetBody(item.soa) : recordSetBody(item.record);
}

export const PRIVATE_DNS_ROUTES: readonly Route[] = [
  route("GET", "/subscriptions/{sub}/providers/Microsoft.Network/privateDnsZones", "privateDnsZones:list", "privateDns", ZONE_TYPE, (request, context) => {
    context.estate.requireScope(param(request, "sub"));
    return page(context.estate.listZones(param(request, "sub")), request, context, (z) => zoneBody(context.estate, z), true);
  }),
  route("GET", RG, "privateDnsZones:listByResourceGroup", "privateDns", ZONE_TYPE, (request, context) => {
    context.estate.requireScope(param(request, "sub"), param(request, "rg"));
    return page(context.estate.listZones(param(request, "sub"), param(request, "rg")), request, context, (z) => zoneBody(context.estate, z), true);
  }),
  route("GET", `${RG}/{zone}`, "privateDnsZones:get", "privateDns", ZONE_TYPE, (request, context) => ({ status: 200, body: zoneBody(context.estate, zoneOf(request, context)) })),
  route("PUT", `${RG}/{zone}`, "privateDnsZones:createOrUpdate", "privateDns", ZONE_TYPE, putZone),
  route("DELETE", `${RG}/{zone}`, "privateDnsZones:delete", "privateDns", ZONE_TYPE, deleteZone),
  route("GET", `${RG}/{zone}/ALL`, "privateDnsZones/recordSets:list", "privateDns", `${ZONE_TYPE}/ALL`, (request, context) => {
    const zone = zoneOf(request, context);
    const items = context.estate.cached<Listed[]>(`listed|${zone.id.toLowerCase()}`, () => [{ soa: zone }, ...context.estate.listRecordSets(zone).map((record) => ({ record }))]);
    return page(items, request, context, renderListed, true);
  }),
  route("GET", `${RG}/{zone}/virtualNetworkLinks`, "privateDnsZones/virtualNetworkLinks:list", "privateDns", `${ZONE_TYPE}/virtualNetworkLinks`, (request, context) => {
    const zone = zoneOf(request, context);
    return page(zone.virtualNetworkLinks, request, context, virtualNetworkLinkBody, true);
  }),
  route("GET", `${RG}/{zone}/virtualNetworkLinks/{link}`, "privateDnsZones/virtualNetworkLinks:get", "privateDns", `${ZONE_TYPE}/virtualNetworkLinks`, (request, context) => {
    const zone = zoneOf(request, context);
    const link = zone.virtualNetworkLinks.find((l) => l.name.toLowerCase() === param(request, "link").toLowerCase());
    if (link === undefined) throw resourceNotFound(`${ZONE_TYPE}/virtualNetworkLinks`, `${zone.name}/${param(request, "link")}`, param(request, "rg"));
    return { status: 200, body: virtualNetworkLinkBody(link) };
  }),
  // Before the record set routes, whose `{type}/{name}` would take these paths.
  route("PUT", `${RG}/{zone}/virtualNetworkLinks/{link}`, "privateDnsZones/virtualNetworkLinks:createOrUpdate", "privateDns", LINK_TYPE, writeLink),
  route("PATCH", `${RG}/{zone}/virtualNetworkLinks/{link}`, "privateDnsZones/virtualNetworkLinks:update", "privateDns", LINK_TYPE, writeLink),
  route("DELETE", `${RG}/{zone}/virtualNetworkLinks/{link}`, "privateDnsZones/virtualNetworkLinks:delete", "privateDns", LINK_TYPE, deleteLink),
  route("GET", `${RG}/{zone}/{type}`, "privateDnsZones/recordSets:listByType", "privateDns", `${ZONE_TYPE}/recordSets`, (request, context) => {
    const zone = zoneOf(request, context);
    const type = recordType(request);
    const items = type === "SOA" ? [{ soa: zone }] : context.estate.cached<Listed[]>(`listed|${zone.id.toLowerCase()}|${type}`, () => context.estate.listRecordSets(zone, type).map((record) => ({ record })));
    return page(items, request, context, renderListed, true);
  }),
  route("GET", `${RG}/{zone}/{type}/{name}`, "privateDnsZones/recordSets:get", "privateDns", `${ZONE_TYPE}/recordSets`, getRecordSet),
  route("PUT", `${RG}/{zone}/{type}/{name}`, "privateDnsZones/recordSets:createOrUpdate", "privateDns", `${ZONE_TYPE}/recordSets`, putRecordSet),
  route("PATCH", `${RG}/{zone}/{type}/{name}`, "privateDnsZones/recordSets:update", "privateDns", `${ZONE_TYPE}/recordSets`, patchRecordSet),
  route("DELETE", `${RG}/{zone}/{type}/{name}`, "privateDnsZones/recordSets:delete", "privateDns", `${ZONE_TYPE}/recordSets`, deleteRecordSet),
];
