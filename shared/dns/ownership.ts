/**
 * @module Ownership marks on private DNS record sets: the metadata we write on the record sets we own,
 * and the checks that tell ours from foreign ones (another deployment's, hand-made, or a DNS zone group's).
 */

import type { DnsRecord } from "../domain";

/** The value of the `managedBy` metadata entry on every record set this app writes. */
export const MANAGED_BY = "privatelink-autopilot";

/** Metadata keys. Azure lists metadata keys as written, but they are compared case-insensitively here. */
export const MetadataKeys = {
  managedBy: "managedBy",
  owner: "owner",
  endpointId: "endpointId",
  /** The PaaS resource(s) the endpoint connects to, so a run for a resource finds records of connections it no longer lists. */
  targetResourceId: "targetResourceId",
  /** Written by a private endpoint's DNS zone group on the records it manages. */
  creator: "creator",
} as const;

type WithMetadata = Pick<DnsRecord, "metadata">;

/** A record set's metadata value by key, whatever the case ARM returned the key in. */
export function metadataValue(record: WithMetadata, key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(record.metadata ?? {})) {
    if (k.toLowerCase() === wanted) return v;
  }
  return undefined;
}

/** True for a metadata key that ownership uses (`managedBy`, `owner`, `endpointId`, `targetResourceId`), in any case. */
export function isOwnershipKey(key: string): boolean {
  const k = key.toLowerCase();
  return k === "managedby" || k === "owner" || k === "endpointid" || k === "targetresourceid";
}

/**
 * The metadata that marks a record set as owned by `ownerId` and written for one private endpoint,
 * naming the PaaS resources the endpoint's approved connections point at.
 */
export function ownershipMetadata(ownerId: string, endpointId: string, targetResourceIds: readonly string[] = []): Record<string, string> {
  if (typeof ownerId !== "string" || ownerId.trim() === "") {
    throw new TypeError(`ownerId must be a non-empty string, got ${JSON.stringify(ownerId)}; expected the deployment's owner id`);
  }
  if (typeof endpointId !== "string" || endpointId.trim() === "") {
    throw new TypeError(`endpointId must be a non-empty string, got ${JSON.stringify(endpointId)}; expected a private endpoint resource id`);
  }
  const metadata: Record<string, string> = { [MetadataKeys.managedBy]: MANAGED_BY, [MetadataKeys.owner]: ownerId, [MetadataKeys.endpointId]: endpointId.toLowerCase() };
  const targets = [...new Set(targetResourceIds.map((id) => id.toLowerCase()))].sort();
  if (targets.length > 0) metadata[MetadataKeys.targetResourceId] = targets.join(",");
  return metadata;
}

/** True when a private endpoint's DNS zone group wrote the record set (its metadata has `creator`). */
export function isZoneGroupRecord(record: WithMetadata): boolean {
  return metadataValue(record, MetadataKeys.creator) !== undefined;
}

/** True when the record set carries this app's marker, whatever the owner. */
export function isManagedRecord(record: WithMetadata): boolean {
  return metadataValue(record, MetadataKeys.managedBy) === MANAGED_BY;
}

/** True when the record set carries no marker at all: not ours, not another deployment's, not a DNS zone group's. */
export function isUnmarkedRecord(record: WithMetadata): boolean {
  return !isManagedRecord(record) && !isZoneGroupRecord(record);
}

/** The owner id on a record set carrying this app's marker, or `undefined`. */
export function ownerOf(record: WithMetadata): string | undefined {
  return isManagedRecord(record) ? metadataValue(record, MetadataKeys.owner) : undefined;
}

/** True only for record sets that carry our marker and `ownerId`, and that no zone group claims. */
export function isOwnedBy(record: WithMetadata, ownerId: string): boolean {
  return ownerOf(record) === ownerId && !isZoneGroupRecord(record);
}

/** The lower-cased private endpoint id a record set of ours was written for, or `undefined`. */
export function endpointOf(record: WithMetadata): string | undefined {
  if (!isManagedRecord(record)) return undefined;
  const id = metadataValue(record, MetadataKeys.endpointId);
  return id === undefined || id === "" ? undefined : id.toLowerCase();
}

/** The lower-cased PaaS resource ids a record set of ours names, or none. */
export function targetsOf(record: WithMetadata): string[] {
  if (!isManagedRecord(record)) return [];
  const value = metadataValue(record, MetadataKeys.targetResourceId);
  return value === undefined || value === "" ? [] : value.toLowerCase().split(",");
}
