/**
 * @module Lets a record set read from ARM share the strings, arrays and metadata of an equal desired
 * record. A no-op record set in a large zone then costs an object and its etag on the heap, not its own
 * copies of the endpoint id, target ids and addresses (about 1 KB). The result equals the input field by
 * field: nothing a plan or a write sees changes, only what is held twice.
 */

import type { DnsRecord } from "../domain";

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Same keys in the same order with the same values: sharing the object keeps what `Object.entries` gives. */
function sameMetadata(a: Record<string, string>, b: Record<string, string>): boolean {
  const x = Object.entries(a);
  const y = Object.entries(b);
  return x.length === y.length && x.every(([k, v], i) => y[i]?.[0] === k && y[i]?.[1] === v);
}

/**
 * `record`, with each field that equals the same field of `like` taken from `like` (the same string,
 * array or object, not a copy). Shared arrays and metadata objects must not be changed in place; no
 * code here does.
 */
export function withSharedFields(record: DnsRecord, like: DnsRecord): DnsRecord {
  const shared: DnsRecord = {
    zoneId: record.zoneId === like.zoneId ? like.zoneId : record.zoneId,
    zone: record.zone === like.zone ? like.zone : record.zone,
    name: record.name === like.name ? like.name : record.name,
    type: record.type,
    ttl: record.ttl,
    ipv4Addresses: sameList(record.ipv4Addresses, like.ipv4Addresses) ? like.ipv4Addresses : record.ipv4Addresses,
    metadata: sameMetadata(record.metadata, like.metadata) ? like.metadata : record.metadata,
  };
  if (record.cname !== undefined) shared.cname = record.cname === like.cname ? like.cname : record.cname;
  if (record.etag !== undefined) shared.etag = record.etag;
  return shared;
}
