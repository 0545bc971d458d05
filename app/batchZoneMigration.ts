/**
 * @module Batch's zone migration for one region or all: reads the legacy regional zones
 * `privatelink.<region>.batch.azure.com` and `privatelink.batch.azure.com` in the configured DNS zone
 * resource groups, their record sets and VNet links, and the private endpoints in scope; copies each A
 * record `<account>` to `<account>.<region>` in the new zone through the one DNS writer (create only,
 * `If-None-Match: *`), as the record the drift sweep desires for it (see shared/dns/batchMigration);
 * reads the new zone again to verify every pair; and says per legacy zone what the operator does next
 * (link the new zone, unlink the legacy one, or delete it). It never changes a legacy record and never
 * deletes or changes a zone or a link. A dry run is the same code through read-only clients.
 */

import type { Config } from "../shared/config";
import type { DnsRecord, ZoneRef } from "../shared/domain";
import { adviseZone, BATCH_ZONE, legacyBatchZoneRegion, planPairs, vnetLinkStates } from "../shared/dns/batchMigration";
import type { MigrationPair, PairStatus, VnetLinkState, ZoneAdvice } from "../shared/dns/batchMigration";
import { desiredRecordsIn } from "../shared/dns/desired";
import { zoneSetsOf } from "../shared/dns/zoneSets";
import type { ArmClients } from "../shared/azure/clients";
import { iteratePrivateEndpoints } from "../shared/azure/privateEndpoints";
import { listRecordSets, listZones } from "../shared/azure/privateDns";
import { listVirtualNetworkLinks, withLinks } from "../shared/azure/virtualNetworkLinks";
import type { VirtualNetworkLink } from "../shared/azure/virtualNetworkLinks";
import { applyPlan } from "../orchestrations/applyPlan";
import { conflictLine } from "../orchestrations/changeLine";
import { emptyDnsReport, runErrorsOf, summarizeRecord } from "../orchestrations/runReport";
import type { DnsReport, RecordSummary, RunError, RunReport } from "../orchestrations/runReport";
import { subscriptionsInScope } from "../orchestrations/scope";

/** A region name as Azure writes it in DNS: lower-case letters and digits. */
export const REGION = /^[a-z0-9]{2,40}$/;

export interface BatchZoneMigrationOptions {
  /** One region (`eastus`) or `all`. */
  region: string;
  dryRun: boolean;
  /** Record writes in flight at once. */
  concurrency?: number;
  /** One line per copy (or would-be copy) and conflict; `resourceId` is what the line is about. */
  log?: (message: string, resourceId: string) => void;
}

export interface LinkSummary {
  name: string;
  virtualNetworkId: string;
  resolutionPolicy: VirtualNetworkLink["resolutionPolicy"];
}

export interface PairEntry {
  legacy: RecordSummary;
  /** `<account>.<region>` in the new zone; empty for a skipped record. */
  targetName: string;
  status: PairStatus;
  detail: string;
  /** The endpoint a copy is owned for. */
  endpointId?: string;
}

export interface LegacyZoneReport {
  region: string;
  zone: { id: string; name: string; links: LinkSummary[] };
  vnets: VnetLinkState[];
  /** At most `PAIR_LIST_LIMIT`, those that need a person first; `counts` counts every one. */
  pairs: PairEntry[];
  /** Pairs left out of `pairs` (a zone of many accounts), counted in `counts`. */
  omittedPairs?: number;
  counts: Partial<Record<PairStatus, number>>;
  advice: ZoneAdvice;
}

/** The migration's part of a run report. */
export interface BatchZoneMigrationReport {
  region: string;
  /** Every `privatelink.batch.azure.com` in the configured resource groups; copies go to the first. */
  newZones: { id: string; name: string; links: LinkSummary[] }[];
  legacyZones: LegacyZoneReport[];
}

export interface BatchZoneMigrationRun {
  migration: BatchZoneMigrationReport;
  /** Copies as `created`, verified pairs as `unchanged`, differing targets as `conflicts`, records not copied as `skipped`. */
  dns: DnsReport;
  notes: string[];
  errors: RunError[];
  /** Entries the bounded report leaves out of `dns`, by list (set by the run's activity). */
  omitted?: RunReport["omitted"];
}

function linkSummary(l: VirtualNetworkLink): LinkSummary {
  return { name: l.name, virtualNetworkId: l.virtualNetworkId, resolutionPolicy: l.resolutionPolicy };
}

/** The FQDN a legacy record stands for: `<account>.<region>.batch.azure.com`. */
function fqdnOf(record: DnsRecord, region: string): string {
  return `${record.name}.${region}.batch.azure.com`;
}

/**
 * The A records the endpoints in scope desire in `newZone` for the given FQDNs, as the drift sweep
 * computes them (same zones, same owner and TTL), so a copy made from one is a record the sweep keeps.
 */
async function desiredCopies(clients: ArmClients, config: Config, zones: readonly ZoneRef[], newZone: ZoneRef, fqdns: ReadonlySet<string>, errors: RunError[]): Promise<DnsRecord[]> {
  const desired: DnsRecord[] = [];
  const zoneSets = zoneSetsOf(config);
  for (const subscriptionId of await subscriptionsInScope(clients, config)) {
    try {
      for await (const page of iteratePrivateEndpoints(clients, subscriptionId, { details: "approvedWithoutDns" })) {
        for (const endpoint of page) {
          if (!endpoint.dnsConfigs.some((c) => fqdns.has(c.fqdn.toLowerCase().replace(/\.$/, "")))) continue;
          const { records } = desiredRecordsIn(endpoint, zoneSets, zones, { ownerId: config.ownerId, ttl: config.recordTtl });
          desired.push(...records.filter((r) => r.type === "A" && r.zoneId.toLowerCase() === newZone.id.toLowerCase()));
        }
      }
    } catch (error) {
      errors.push(...runErrorsOf(`/subscriptions/${subscriptionId}`, error).map((e) => ({ ...e, message: `could not list its private endpoints, so records they serve are not copied: ${e.message}` })));
    }
  }
  return desired;
}

function pairEntry(p: MigrationPair): PairEntry {
  const owner = p.copy?.metadata["endpointId"];
  return { legacy: summarizeRecord(p.legacy), targetName: p.targetName, status: p.status, detail: p.detail, ...(owner !== undefined ? { endpointId: owner } : {}) };
}

/** Pairs a legacy zone's report lists; the run's history stays small for a region of many accounts. */
export const PAIR_LIST_LIMIT = 200;

/** What a person looks at first: what failed or is blocked, then what was (or would be) copied, then the rest. */
const PAIR_ORDER: readonly PairStatus[] = ["failed", "conflict", "notCopied", "wouldCopy", "copied", "verified", "skipped"];

function listedPairs(pairs: readonly MigrationPair[]): { pairs: PairEntry[]; omittedPairs?: number } {
  if (pairs.length <= PAIR_LIST_LIMIT) return { pairs: pairs.map(pairEntry) };
  const first = [...pairs].sort((a, b) => PAIR_ORDER.indexOf(a.status) - PAIR_ORDER.indexOf(b.status)).slice(0, PAIR_LIST_LIMIT);
  return { pairs: first.map(pairEntry), omittedPairs: pairs.length - PAIR_LIST_LIMIT };
}

function countsOf(pairs: readonly MigrationPair[]): Partial<Record<PairStatus, number>> {
  const counts: Partial<Record<PairStatus, number>> = {};
  for (const p of pairs) counts[p.status] = (counts[p.status] ?? 0) + 1;
  return counts;
}

/** Runs the migration (or, dry, plans it): see the module note. */
export async function migrateBatchZones(clients: ArmClients, config: Config, options: BatchZoneMigrationOptions): Promise<BatchZoneMigrationRun> {
  if (options.region !== "all" && !REGION.test(options.region)) throw new RangeError(`region: expected "all" or a region name like eastus, got ${JSON.stringify(options.region)}`);
  const errors: RunError[] = [];
  const notes: string[] = [];
  const zones = await listZones(clients, config.dnsZoneResourceGroupIds);
  const newZones = zones.filter((z) => z.name === BATCH_ZONE);
  const legacyZones = zones.filter((z) => {
    const region = legacyBatchZoneRegion(z.name);
    return region !== undefined && (options.region === "all" || region === options.region);
  });
  const migration: BatchZoneMigrationReport = { region: options.region, newZones: [], legacyZones: [] };
  const dns = emptyDnsReport();
  if (legacyZones.length === 0) {
    notes.push(`no legacy Batch zone ${options.region === "all" ? "privatelink.<region>.batch.azure.com" : `privatelink.${options.region}.batch.azure.com`} in the configured DNS zone resource groups: nothing to migrate`);
  }
  if (newZones.length > 1) notes.push(`${newZones.length} zones named ${BATCH_ZONE}: copies go to ${newZones[0]?.id}, the one the drift sweep writes to`);
  const linksOf = async (zone: ZoneRef): Promise<VirtualNetworkLink[]> => {
    try {
      return await listVirtualNetworkLinks(clients, zone);
    } catch (error) {
      errors.push(...runErrorsOf(zone.id, error).map((e) => ({ ...e, message: `could not list its VNet links: ${e.message}` })));
      return [];
    }
  };
  const newZoneLinks = await Promise.all(newZones.map(linksOf));
  migration.newZones = newZones.map((z, i) => ({ id: z.id, name: z.name, links: (newZoneLinks[i] ?? []).map(linkSummary) }));
  const newZone = newZones[0];
  if (legacyZones.length === 0) return { migration, dns, notes, errors };

  const legacyRecords = await Promise.all(legacyZones.map((z) => listRecordSets(clients, z)));
  const readNewZone = async () => (newZone === undefined ? [] : listRecordSets(clients, newZone));
  const fqdns = new Set(legacyZones.flatMap((z, i) => (legacyRecords[i] ?? []).map((r) => fqdnOf(r, legacyBatchZoneRegion(z.name) as string))));
  // The new zone with its links, as the sweep sees it (which endpoints' VNets it serves).
  const linkedZones = zones.map((z) => (z === newZone ? withLinks(z, newZoneLinks[0] ?? []) : z));
  const desired = newZone === undefined ? [] : await desiredCopies(clients, config, linkedZones, newZone, fqdns, errors);
  const inputOf = (i: number, newRecords: readonly DnsRecord[]) => ({
    region: legacyBatchZoneRegion(legacyZones[i]?.name ?? "") as string,
    legacyRecords: legacyRecords[i] ?? [],
    newZone,
    newRecords,
    desiredInNewZone: desired,
  });

  // Plan, copy through the one writer (a dry run only logs), then read the new zone again and verify.
  const before = await readNewZone();
  const planned = legacyZones.map((_, i) => planPairs(inputOf(i, before)));
  const copies = planned.flat().flatMap((p) => (p.status === "wouldCopy" && p.copy !== undefined ? [p.copy] : []));
  const applied = await applyPlan(clients, { create: copies, update: [], delete: [], conflicts: [], unchanged: [] }, {
    ownerId: config.ownerId,
    dryRun: options.dryRun,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
  });
  errors.push(...applied.errors);
  const created = new Set(applied.dns.created.map((r) => r.name));
  const after = options.dryRun || copies.length === 0 ? before : await readNewZone();
  const verified = options.dryRun ? planned : legacyZones.map((_, i) => planPairs(inputOf(i, after)));

  for (const [i, zone] of legacyZones.entries()) {
    const region = legacyBatchZoneRegion(zone.name) as string;
    // What this run wrote reads back as verified; a copy it tried that did not land is a failure.
    const pairs = (verified[i] ?? []).map((p): MigrationPair => {
      if (options.dryRun) return p;
      if (p.status === "verified" && created.has(p.targetName)) return { ...p, status: "copied", copy: p.target as DnsRecord, detail: `copied to ${p.targetName}.${BATCH_ZONE} and read back with the same addresses` };
      if (p.status === "wouldCopy") return { ...p, status: "failed", detail: `the copy to ${p.targetName}.${BATCH_ZONE} did not land; see the run's errors` };
      return p;
    });
    const legacyLinks = await linksOf(zone);
    const vnets = vnetLinkStates(legacyLinks, newZoneLinks.flat());
    const advice = adviseZone(zone.name, newZone !== undefined, pairs, vnets);
    migration.legacyZones.push({ region, zone: { id: zone.id, name: zone.name, links: legacyLinks.map(linkSummary) }, vnets, ...listedPairs(pairs), counts: countsOf(pairs), advice });
    notes.push(`${zone.name}: ${advice.advice}`);
    for (const p of pairs) {
      const legacy = summarizeRecord(p.legacy);
      if (p.status === "verified") {
        dns.unchanged.push(summarizeRecord(p.target as DnsRecord));
      } else if (p.status === "conflict") {
        const conflict = { ...legacy, name: p.targetName, zone: BATCH_ZONE, reason: "differentCopy", detail: p.detail, holder: summarizeRecord(p.target as DnsRecord) };
        dns.conflicts.push(conflict);
        options.log?.(conflictLine(conflict, conflict.reason, p.detail), zone.id);
      } else if (p.status === "notCopied" || p.status === "skipped") {
        dns.skipped.push({ fqdn: `${p.legacy.name}.${p.legacy.zone}`, reason: p.status, detail: p.detail });
        options.log?.(`skip ${legacy.type} ${legacy.name}.${legacy.zone} ${legacy.value}: ${p.status}: ${p.detail}`, zone.id);
      }
    }
  }
  // A create that lost a race (contended) is judged by the read after it: verified or a conflict.
  dns.created = applied.dns.created;
  return { migration, dns, notes, errors };
}
