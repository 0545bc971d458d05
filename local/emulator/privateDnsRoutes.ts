/**
 * @module ARM routes of Private DNS (Microsoft.Network/privateDnsZones): zones, virtual network
 * links and A/CNAME record sets with ETag preconditions and `$top` paging. Record set writes are
 * synchronous, as in the real service.
 */
import { ArmError, badRequest, resourceNotFound } from "./armError";
import { recordSetBody, soaRecordSetBody, virtualNetworkLinkBody, zoneBody } from "./armPayloads";
import type { RecordSetInput, RecordSetRecord, WriteConditions, ZoneRecord } from "./estate";
import type { ArmRequest, ArmResponse, Route, RouteContext } from "./router";
import { isRecord, objectBody, page, param, publishChange, route } from "./router";

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
