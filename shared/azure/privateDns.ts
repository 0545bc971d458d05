/**
 * @module Reads and writes record sets in the central private DNS zones and translates them into the
 * domain `DnsRecord`. Writes are conditional: create with `If-None-Match: *`, update and delete with
 * `If-Match: <etag>`; a failed precondition surfaces as `PreconditionFailedError`.
 */

import type { RecordSet as SdkRecordSet, RecordType as SdkRecordType } from "@azure/arm-privatedns";
import type { DnsRecord, DnsRecordType, ZoneRef } from "../domain";
import { sortIpv4 } from "../dns/desired";
import { parseResourceId, resourceTypeOf } from "../resourceId";
import type { ArmClients } from "./clients";
import { armCall, armRead } from "./errors";
import { ArmOperations } from "./operations";

/** Options for `upsertARecord` and `upsertCNAMERecord`: at most one precondition. */
export interface UpsertRecordSetOptions {
  /** Update only if the record set still has this etag (what we read). */
  ifMatch?: string;
  /** `*`: create only; fail if the record set exists. */
  ifNoneMatch?: "*";
}
export type UpsertARecordOptions = UpsertRecordSetOptions;
export type UpsertCNAMERecordOptions = UpsertRecordSetOptions;

export interface DeleteRecordSetOptions {
  /** Delete only if the record set still has this etag. */
  ifMatch?: string;
}

export interface ListRecordSetsOptions {
  /** Only names ending in this label suffix (`recordsetnamesuffix`). */
  recordSetNameSuffix?: string;
  /** Page size hint (`$top`). */
  top?: number;
}

/** Used when a record set from ARM carries no TTL (Azure's own default). */
const DEFAULT_RECORD_TTL = 3600;

interface ZoneLocation {
  subscriptionId: string;
  resourceGroup: string;
  zoneName: string;
}

function locateZone(zoneId: string): ZoneLocation {
  const parsed = parseResourceId(zoneId);
  if (resourceTypeOf(parsed).toLowerCase() !== "microsoft.network/privatednszones" || parsed.resourceGroup === undefined) {
    throw new TypeError(`${JSON.stringify(zoneId)} is not a private DNS zone id; expected /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/privateDnsZones/{zone}`);
  }
  return { subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, zoneName: parsed.names[0] as string };
}

function recordTypeOf(rs: SdkRecordSet): string | undefined {
  return rs.type?.split("/").at(-1)?.toUpperCase();
}

/**
 * Translates an SDK record set in `zone`. A and CNAME sets become `DnsRecord`s (names lower case,
 * addresses sorted); any other type, or a set without a name, gives `undefined`.
 */
export function toDnsRecord(rs: SdkRecordSet, zone: ZoneRef): DnsRecord | undefined {
  const type = recordTypeOf(rs);
  if ((type !== "A" && type !== "CNAME") || typeof rs.name !== "string" || rs.name === "") return undefined;
  const record: DnsRecord = {
    zoneId: zone.id,
    zone: zone.name.toLowerCase(),
    name: rs.name.toLowerCase(),
    type,
    ttl: rs.ttl ?? DEFAULT_RECORD_TTL,
    ipv4Addresses: type === "A" ? sortIpv4((rs.aRecords ?? []).map((a) => a.ipv4Address ?? "")) : [],
    metadata: { ...(rs.metadata ?? {}) },
  };
  if (type === "CNAME" && rs.cnameRecord?.cname !== undefined) record.cname = rs.cnameRecord.cname;
  if (rs.etag !== undefined) record.etag = rs.etag;
  return record;
}

function zoneRefOf(record: DnsRecord): ZoneRef {
  return { id: record.zoneId, name: record.zone };
}

function recordId(record: Pick<DnsRecord, "zoneId" | "type" | "name">): string {
  return `${record.zoneId}/${record.type}/${record.name}`;
}

/** The private DNS zones in the given resource groups, names lower case, sorted by name. */
export async function listZones(clients: ArmClients, resourceGroupIds: readonly string[]): Promise<ZoneRef[]> {
  const lists = await Promise.all(
    resourceGroupIds.map((rgId) => {
      const parsed = parseResourceId(rgId);
      const resourceGroup = parsed.resourceGroup;
      if (resourceGroup === undefined || parsed.namespace !== undefined) {
        throw new TypeError(`${JSON.stringify(rgId)} is not a resource group id; expected /subscriptions/{sub}/resourceGroups/{rg}`);
      }
      // A missing resource group is a configuration error, not "no zones": it throws.
      return armCall({ operation: ArmOperations.listZones, scope: rgId }, async () => {
        const zones: ZoneRef[] = [];
        for await (const zone of clients.privateDns(parsed.subscriptionId).privateZones.listByResourceGroup(resourceGroup)) {
          if (typeof zone.id === "string" && typeof zone.name === "string") zones.push({ id: zone.id, name: zone.name.toLowerCase() });
        }
        return zones;
      });
    }),
  );
  const byId = new Map<string, ZoneRef>();
  for (const zone of lists.flat()) byId.set(zone.id.toLowerCase(), zone);
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/**
 * Every A and CNAME record set in a zone (the paged `ALL` list), page by page as each arrives, so a caller
 * that keeps only what it needs holds one page of SDK objects at a time; other types are skipped.
 */
export async function* iterateRecordSets(clients: ArmClients, zone: ZoneRef, options: ListRecordSetsOptions = {}): AsyncGenerator<DnsRecord[], void, undefined> {
  const { subscriptionId, resourceGroup, zoneName } = locateZone(zone.id);
  const context = { operation: ArmOperations.listRecordSets, scope: zone.id };
  const pages = clients
    .privateDns(subscriptionId)
    .recordSets.list(resourceGroup, zoneName, {
      ...(options.top !== undefined ? { top: options.top } : {}),
      ...(options.recordSetNameSuffix !== undefined ? { recordsetnamesuffix: options.recordSetNameSuffix } : {}),
    })
    .byPage();
  for (;;) {
    const page = await armCall(context, () => pages.next());
    if (page.done === true) return;
    yield page.value.flatMap((rs) => toDnsRecord(rs, zone) ?? []);
  }
}

/** Every A and CNAME record set in a zone (see `iterateRecordSets`). */
export async function listRecordSets(clients: ArmClients, zone: ZoneRef, options: ListRecordSetsOptions = {}): Promise<DnsRecord[]> {
  const records: DnsRecord[] = [];
  for await (const page of iterateRecordSets(clients, zone, options)) records.push(...page);
  return records;
}

/** One A or CNAME record set, or `undefined` when it does not exist. */
export async function getRecordSet(clients: ArmClients, zone: ZoneRef, type: DnsRecordType, name: string): Promise<DnsRecord | undefined> {
  const { subscriptionId, resourceGroup, zoneName } = locateZone(zone.id);
  const rs = await armRead({ operation: ArmOperations.getRecordSet, scope: `${zone.id}/${type}/${name}`, parameters: { recordType: type } }, () =>
    clients.privateDns(subscriptionId).recordSets.get(resourceGroup, zoneName, type, name),
  );
  return rs === undefined ? undefined : toDnsRecord(rs, zone);
}

function checkRecord(record: DnsRecord, type: DnsRecordType): ZoneLocation {
  if (record.type !== type) throw new TypeError(`Expected a ${type} record, got ${record.type} ${record.name}.${record.zone}`);
  if (typeof record.name !== "string" || record.name.trim() === "") throw new TypeError(`A record set needs a name relative to its zone, got ${JSON.stringify(record.name)}`);
  if (!Number.isInteger(record.ttl) || record.ttl < 0) throw new RangeError(`TTL must be a non-negative integer of seconds, got ${record.ttl} for ${record.name}.${record.zone}`);
  const location = locateZone(record.zoneId);
  if (location.zoneName.toLowerCase() !== record.zone.toLowerCase()) {
    throw new TypeError(`Record ${record.name} names zone ${record.zone} but its zoneId is ${record.zoneId}; expected the two to agree`);
  }
  return location;
}

function conditions(options: UpsertRecordSetOptions): { ifMatch?: string; ifNoneMatch?: string } {
  if (options.ifMatch !== undefined && options.ifNoneMatch !== undefined) {
    throw new TypeError("Pass either ifMatch (update what was read) or ifNoneMatch: \"*\" (create only), not both");
  }
  if (options.ifNoneMatch !== undefined && options.ifNoneMatch !== "*") {
    throw new TypeError(`ifNoneMatch must be "*", got ${JSON.stringify(options.ifNoneMatch)}`);
  }
  return {
    ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
    ...(options.ifNoneMatch !== undefined ? { ifNoneMatch: options.ifNoneMatch } : {}),
  };
}

async function putRecordSet(clients: ArmClients, record: DnsRecord, type: SdkRecordType & DnsRecordType, body: SdkRecordSet, options: UpsertRecordSetOptions): Promise<DnsRecord> {
  const { subscriptionId, resourceGroup, zoneName } = checkRecord(record, type);
  const operation = type === "A" ? ArmOperations.upsertARecord : ArmOperations.upsertCNAMERecord;
  const written = await armCall({ operation, scope: recordId(record) }, () =>
    clients.privateDns(subscriptionId).recordSets.createOrUpdate(resourceGroup, zoneName, type, record.name, { ttl: record.ttl, metadata: { ...record.metadata }, ...body }, conditions(options)),
  );
  const translated = toDnsRecord(written, zoneRefOf(record));
  if (translated === undefined) throw new TypeError(`ARM answered the ${type} write of ${record.name}.${record.zone} with an unreadable record set`);
  return translated;
}

/** Creates or replaces an A record set; returns it as written, with its new etag. */
export async function upsertARecord(clients: ArmClients, record: DnsRecord, options: UpsertARecordOptions = {}): Promise<DnsRecord> {
  if (record.ipv4Addresses.length === 0) throw new RangeError(`A record ${record.name}.${record.zone} has no IPv4 addresses; expected at least one`);
  return putRecordSet(clients, record, "A", { aRecords: record.ipv4Addresses.map((ipv4Address) => ({ ipv4Address })) }, options);
}

/** Creates or replaces a CNAME record set; returns it as written, with its new etag. */
export async function upsertCNAMERecord(clients: ArmClients, record: DnsRecord, options: UpsertCNAMERecordOptions = {}): Promise<DnsRecord> {
  if (typeof record.cname !== "string" || record.cname.trim() === "") throw new TypeError(`CNAME record ${record.name}.${record.zone} has no canonical name`);
  return putRecordSet(clients, record, "CNAME", { cnameRecord: { cname: record.cname } }, options);
}

/** Deletes a record set (A or CNAME, by `record.type`). Already gone (404) counts as done. */
export async function deleteRecordSet(clients: ArmClients, record: DnsRecord, options: DeleteRecordSetOptions = {}): Promise<void> {
  const { subscriptionId, resourceGroup, zoneName } = checkRecord(record, record.type);
  await armRead({ operation: ArmOperations.deleteRecordSet, scope: recordId(record), parameters: { recordType: record.type } }, () =>
    clients.privateDns(subscriptionId).recordSets.delete(resourceGroup, zoneName, record.type, record.name, options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
  );
}
