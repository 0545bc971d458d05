/**
 * @module Pure planning of Batch's zone migration, from the legacy regional zone
 * `privatelink.<region>.batch.azure.com` (record `<account>`) to `privatelink.batch.azure.com` (record
 * `<account>.<region>`): which A records to copy, whether each pair answers the same addresses, and what
 * the operator must do with the zones' VNet links. It never plans a delete or an overwrite.
 *
 * Ownership: a copy is written as the record the drift sweep already desires for the name (the desired
 * A record of the endpoint in scope that serves `<account>.<region>.batch.azure.com` at the same
 * addresses), so the sweep keeps it. A legacy record that no endpoint in scope serves at its addresses
 * is not copied: an owned copy would be stale to the sweep, which would delete it.
 */

import type { DnsRecord, ZoneRef } from "../domain";
import { endpointOf } from "./ownership";

/** The zone Azure's Batch document migrates to. */
export const BATCH_ZONE = "privatelink.batch.azure.com";

const LEGACY_ZONE = /^privatelink\.([a-z0-9]+)\.batch\.azure\.com$/;
/** A Batch account name: 3 to 24 lower-case letters and digits. */
const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

/** The region of a legacy regional Batch zone (`privatelink.eastus.batch.azure.com` -> `eastus`), or `undefined`. */
export function legacyBatchZoneRegion(zoneName: string): string | undefined {
  return LEGACY_ZONE.exec(zoneName.toLowerCase())?.[1];
}

/**
 * What became of one record of the legacy zone:
 * - `wouldCopy` (dry run) / `copied`: the copy is (to be) created, owned, for the endpoint named;
 * - `verified`: the new zone already answers the name with the same addresses (whoever owns it);
 * - `conflict`: the new zone answers the name differently; left alone, never overwritten;
 * - `notCopied`: no endpoint in scope serves the name at these addresses, so there is nothing the app
 *   may own there (see the module note);
 * - `skipped`: not an A record of a Batch account name (e.g. `@`, or a CNAME elsewhere); a CNAME
 *   `<account>` -> `<account>.<region>.privatelink.batch.azure.com` (already switched) is `verified`
 *   when that A record exists;
 * - `failed`: the copy was attempted and did not land (the run's errors say why).
 */
export type PairStatus = "wouldCopy" | "copied" | "verified" | "conflict" | "notCopied" | "skipped" | "failed";

export interface MigrationPair {
  /** The record in the legacy zone (never changed). */
  legacy: DnsRecord;
  /** `<account>.<region>` in the new zone; empty for a skipped record. */
  targetName: string;
  status: PairStatus;
  detail: string;
  /** The record to create (`wouldCopy`), or that was created (`copied`). */
  copy?: DnsRecord;
  /** What the new zone holds at the name (`verified`, `conflict`). */
  target?: DnsRecord;
}

export interface PlanPairsInput {
  region: string;
  /** The A and CNAME record sets of the legacy zone. */
  legacyRecords: readonly DnsRecord[];
  /** The new zone, when it exists in the configured resource groups. */
  newZone: ZoneRef | undefined;
  /** The A and CNAME record sets of the new zone. */
  newRecords: readonly DnsRecord[];
  /** The records the endpoints in scope desire in the new zone (`desiredRecords`), any endpoint. */
  desiredInNewZone: readonly DnsRecord[];
}

/** The last segment of a resource id: a VNet's or endpoint's name, for sentences (the JSON keeps the ids). */
const nameOf = (id: string | undefined) => id?.split("/").at(-1) ?? "";

function sameAddresses(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function normalizeCname(cname: string | undefined): string {
  return (cname ?? "").trim().toLowerCase().replace(/\.$/, "");
}

function valueOf(r: DnsRecord): string {
  return r.type === "CNAME" ? `CNAME ${r.cname ?? ""}` : r.ipv4Addresses.join(",");
}

/** One pair per legacy record, by name: nothing is copied that the sweep would not keep, nothing is overwritten. */
export function planPairs(input: PlanPairsInput): MigrationPair[] {
  const fqdn = (name: string) => `${name}.${input.region}.batch.azure.com`;
  const current = new Map<string, DnsRecord>();
  for (const r of input.newRecords) if (!current.has(r.name)) current.set(r.name, r);
  // Several endpoints may claim a name: the sweep gives a free name to the lowest endpoint id.
  const claims = [...input.desiredInNewZone].filter((r) => r.type === "A").sort((a, b) => (endpointOf(a) ?? "").localeCompare(endpointOf(b) ?? ""));
  const pairs: MigrationPair[] = [];
  for (const legacy of [...input.legacyRecords].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type))) {
    const switched = legacy.type === "CNAME" && ACCOUNT_NAME.test(legacy.name) && normalizeCname(legacy.cname) === `${legacy.name}.${input.region}.${BATCH_ZONE}`;
    if (switched) {
      // Already switched (the documented CNAME, as the app writes it once both zones are in use): it answers what the target does.
      const target = current.get(`${legacy.name}.${input.region}`);
      const pair = { legacy, targetName: `${legacy.name}.${input.region}` };
      pairs.push(
        target?.type === "A"
          ? { ...pair, target, status: "verified", detail: `the legacy name is the documented CNAME to ${pair.targetName}.${BATCH_ZONE}, which answers ${valueOf(target)}` }
          : { ...pair, status: "notCopied", detail: `the legacy name is a CNAME to ${pair.targetName}.${BATCH_ZONE}, which holds no A record` },
      );
      continue;
    }
    if (legacy.type !== "A" || !ACCOUNT_NAME.test(legacy.name)) {
      const what = legacy.type !== "A" ? `a ${legacy.type} record` : "not a Batch account name";
      pairs.push({ legacy, targetName: "", status: "skipped", detail: `${legacy.name}.${legacy.zone} is ${what}; only A records <account> are copied` });
      continue;
    }
    const targetName = `${legacy.name}.${input.region}`;
    const pair = { legacy, targetName };
    if (input.newZone === undefined) {
      pairs.push({ ...pair, status: "notCopied", detail: `${BATCH_ZONE} does not exist in the configured DNS zone resource groups; create it first` });
      continue;
    }
    const target = current.get(targetName);
    if (target !== undefined) {
      const same = target.type === "A" && sameAddresses(target.ipv4Addresses, legacy.ipv4Addresses);
      pairs.push(
        same
          ? { ...pair, target, status: "verified", detail: `${targetName}.${BATCH_ZONE} answers ${valueOf(target)}, as the legacy record does` }
          : { ...pair, target, status: "conflict", detail: `${targetName}.${BATCH_ZONE} answers ${valueOf(target)}, the legacy record ${valueOf(legacy)}; left alone, never overwritten` },
      );
      continue;
    }
    const claim = claims.find((r) => r.name === targetName);
    if (claim === undefined) {
      pairs.push({ ...pair, status: "notCopied", detail: `no Approved endpoint in scope serves ${fqdn(legacy.name)}, so a copy would be stale to the drift sweep (which deletes owned records no endpoint desires); copy it by hand, or bring its endpoint into scope` });
    } else if (!sameAddresses(claim.ipv4Addresses, legacy.ipv4Addresses)) {
      pairs.push({ ...pair, status: "notCopied", detail: `endpoint ${nameOf(endpointOf(claim))} serves ${fqdn(legacy.name)} at ${valueOf(claim)}, the legacy record answers ${valueOf(legacy)}; the drift sweep writes the endpoint's record` });
    } else {
      pairs.push({ ...pair, copy: { ...claim, zoneId: input.newZone.id, zone: BATCH_ZONE }, status: "wouldCopy", detail: `copy to ${targetName}.${BATCH_ZONE} for endpoint ${nameOf(endpointOf(claim))}` });
    }
  }
  return pairs;
}

/** One VNet linked to either zone. */
export interface VnetLinkState {
  /** Lower case. */
  virtualNetworkId: string;
  /** Link names on the legacy zone (normally one). */
  legacyLinks: string[];
  /** Link names on the new zone. */
  newLinks: string[];
}

export type MigrationStep =
  /** Step 1: the new zone does not exist in the configured resource groups. */
  | "createNewZone"
  /** Step 1: VNets resolve from the legacy zone only. */
  | "linkNewZone"
  /** Step 2: records to copy (a live run copies them), conflicts or records not copied to resolve. */
  | "copyRecords"
  /** Step 3: every record has a verified copy and every VNet links both zones: unlink the legacy zone. */
  | "unlinkLegacyZone"
  /** Step 6: unlinked from every VNet and every record has a verified copy. */
  | "safeToDelete";

export interface ZoneAdvice {
  step: MigrationStep;
  /** What to do, in a sentence a person can act on. */
  advice: string;
  /** VNets linked to the legacy zone and not to the new one (link the new zone to them). */
  toLink: string[];
  /** VNets still linked to the legacy zone (unlink once `toLink` is empty and the copies are verified). */
  toUnlink: string[];
  safeToDelete: boolean;
}

/** The VNets of the two zones' links, by VNet (lower-case ids), sorted. */
export function vnetLinkStates(legacyLinks: readonly { name: string; virtualNetworkId: string }[], newLinks: readonly { name: string; virtualNetworkId: string }[]): VnetLinkState[] {
  const byVnet = new Map<string, VnetLinkState>();
  const entry = (id: string) => {
    const key = id.toLowerCase();
    const state = byVnet.get(key) ?? { virtualNetworkId: key, legacyLinks: [], newLinks: [] };
    byVnet.set(key, state);
    return state;
  };
  for (const l of legacyLinks) entry(l.virtualNetworkId).legacyLinks.push(l.name);
  for (const l of newLinks) entry(l.virtualNetworkId).newLinks.push(l.name);
  return [...byVnet.values()].sort((a, b) => a.virtualNetworkId.localeCompare(b.virtualNetworkId));
}


/** The next step of one legacy zone's migration, from its pairs (after this run) and the links. */
export function adviseZone(legacyZone: string, newZoneExists: boolean, pairs: readonly MigrationPair[], vnets: readonly VnetLinkState[]): ZoneAdvice {
  const toLink = vnets.filter((v) => v.legacyLinks.length > 0 && v.newLinks.length === 0).map((v) => v.virtualNetworkId);
  const toUnlink = vnets.filter((v) => v.legacyLinks.length > 0).map((v) => v.virtualNetworkId);
  const open = pairs.filter((p) => p.status !== "verified" && p.status !== "copied" && p.status !== "skipped");
  const base = { toLink, toUnlink, safeToDelete: false };
  const names = (ids: readonly string[]) => ids.map(nameOf).join(", ");
  if (!newZoneExists) {
    return { ...base, step: "createNewZone", advice: `create ${BATCH_ZONE} in a configured DNS zone resource group and link it to ${toUnlink.length > 0 ? names(toUnlink) : "the VNets that resolve Batch names"}` };
  }
  if (toLink.length > 0) return { ...base, step: "linkNewZone", advice: `link ${BATCH_ZONE} to ${names(toLink)}: they resolve from ${legacyZone} only` };
  if (open.length > 0) {
    const counts = new Map<PairStatus, number>();
    for (const p of open) counts.set(p.status, (counts.get(p.status) ?? 0) + 1);
    const what = [...counts].map(([status, n]) => `${n} ${status}`).join(", ");
    return { ...base, step: "copyRecords", advice: `${open.length} record(s) of ${legacyZone} have no verified copy (${what}): run the migration live for wouldCopy; resolve the others by hand (see each record's detail)` };
  }
  if (toUnlink.length > 0) return { ...base, step: "unlinkLegacyZone", advice: `every record has a verified copy and every VNet links ${BATCH_ZONE}: unlink ${legacyZone} from ${names(toUnlink)}, then check that the names resolve privately` };
  return { ...base, safeToDelete: true, step: "safeToDelete", advice: `${legacyZone} is linked to no VNet and every record has a verified copy: it is safe to delete (the app never deletes zones)` };
}
