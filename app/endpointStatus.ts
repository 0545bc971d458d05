/**
 * @module The "DNS ready" answer for one private endpoint: its connections' states, each FQDN's record
 * (zone, value, owner) and one verdict a pipeline can wait on. Reads only. `verdictOf` is pure; the
 * reader gathers its inputs from ARM the way a run would (the policy's decisions for Pending
 * connections, the records the endpoint should have, the record sets that hold those names).
 */

import type { DnsRecord, EndpointLink, PrivateEndpoint } from "../shared/domain";
import type { Config } from "../shared/config";
import type { ArmClients } from "../shared/azure/clients";
import type { PendingDecision } from "../orchestrations/runReport";
import type { SkippedName } from "../shared/dns/desired";
import { desiredRecordsIn, keepHeldARecords } from "../shared/dns/desired";
import { zoneSetsOf } from "../shared/dns/zoneSets";
import { withVirtualNetworkLinks } from "../shared/azure/virtualNetworkLinks";
import { endpointOf, isZoneGroupRecord, ownerOf } from "../shared/dns/ownership";
import { getPrivateEndpoint } from "../shared/azure/privateEndpoints";
import { getRecordSet, listZones } from "../shared/azure/privateDns";
import { resourceTypeOf, sameResourceId } from "../shared/resourceId";
import { zonesServing } from "../shared/dns/zones";

export type Verdict = "ready" | "pending-approval" | "waiting" | "conflict" | "not-ours";

/** Verdicts that will not change by themselves: `wait` stops on them. */
export const TERMINAL_VERDICTS: readonly Verdict[] = ["pending-approval", "conflict", "not-ours"];

export interface ConnectionState {
  name: string;
  targetResourceId: string;
  status: string;
  /** For a Pending connection: what the policy decides (`approve`, `reject`, `leavePending`), by which rule and why. */
  policy?: { action: string; ruleName: string; reason: string };
}

export interface NameState {
  fqdn: string;
  zone?: string;
  /** What the record should hold (sorted IPs or CNAME target), when the app writes one. */
  expected?: string;
  /** The record that holds the name now, if any. */
  record?: { type: string; value: string; owner: string | null; endpointId: string | null };
  /** `servedByZoneGroup`, or why no record is wanted (`SkippedName.reason`). */
  note?: string;
}

export interface EndpointStatus {
  schemaVersion: 1;
  endpointId: string;
  verdict: Verdict;
  reason: string;
  connections: ConnectionState[];
  names: NameState[];
}

/** What `verdictOf` reads: all plain data. */
export interface StatusFacts {
  endpoint: PrivateEndpoint;
  ownerId: string;
  decisions: readonly PendingDecision[];
  /** Notes of the policy read (e.g. a connection outside the scope). */
  notes: readonly string[];
  desired: readonly DnsRecord[];
  servedByZoneGroup: readonly string[];
  skipped: readonly SkippedName[];
  /** The record set that holds each desired name now, by `zone/name/type`. */
  found: ReadonlyMap<string, DnsRecord>;
}

const recordKey = (r: Pick<DnsRecord, "zone" | "name" | "type">) => `${r.zone}/${r.name}/${r.type}`;
const valueOf = (r: DnsRecord) => (r.type === "CNAME" ? (r.cname ?? "") : r.ipv4Addresses.join(","));
const fqdnOf = (r: Pick<DnsRecord, "zone" | "name">) => (r.name === "@" ? r.zone : `${r.name}.${r.zone}`);

function decisionFor(link: EndpointLink, decisions: readonly PendingDecision[]): PendingDecision | undefined {
  return decisions.find((d) => sameResourceId(d.targetResourceId, link.targetResourceId));
}

/** One verdict and its reason, from the first thing that is not right; pure. */
export function verdictOf(facts: StatusFacts): { verdict: Verdict; reason: string } {
  const { endpoint, decisions } = facts;
  for (const link of endpoint.links) {
    if (link.status === "Rejected" || link.status === "Disconnected") {
      return { verdict: "not-ours", reason: `connection ${link.name} to ${link.targetResourceId} is ${link.status}; only a new connection can make this endpoint resolve` };
    }
    if (link.status !== "Pending") continue;
    const decided = decisionFor(link, decisions);
    if (decided === undefined) {
      const note = facts.notes.find((n) => n.includes(link.targetResourceId));
      // Outside the scope the app leaves it alone; otherwise the resource side has moved on (the
      // endpoint's copy of the state follows a moment later) or the next read decides it.
      if (note?.includes("outside the configured subscriptions") === true) return { verdict: "not-ours", reason: `connection ${link.name} is Pending: ${note}` };
      return { verdict: "waiting", reason: `connection ${link.name} is Pending on the endpoint${note !== undefined ? ` (${note})` : ""}` };
    }
    const { action, ruleName, reason } = decided.decision;
    if (action === "leavePending") return { verdict: "pending-approval", reason: `connection ${link.name} is Pending: policy rule ${ruleName} leaves it for a person (${reason})` };
    if (action === "reject") return { verdict: "not-ours", reason: `connection ${link.name} is Pending and policy rule ${ruleName} rejects it (${reason})` };
    return { verdict: "waiting", reason: `connection ${link.name} is Pending; policy rule ${ruleName} approves it (${reason}) and a run is on its way` };
  }
  if (!endpoint.links.some((l) => l.status === "Approved")) return { verdict: "waiting", reason: "the endpoint has no connection yet" };
  for (const want of facts.desired) {
    const have = facts.found.get(recordKey(want));
    const fqdn = fqdnOf(want);
    if (have === undefined) return { verdict: "waiting", reason: `${want.type} ${fqdn} is not written yet` };
    const owner = ownerOf(have);
    if (owner !== facts.ownerId || isZoneGroupRecord(have)) {
      if (valueOf(have) === valueOf(want)) continue;
      return { verdict: "conflict", reason: `${want.type} ${fqdn} is held by a record ${owner === undefined ? "the app does not own" : `of owner ${owner}`} (${valueOf(have)}); the app never overwrites it` };
    }
    const holder = endpointOf(have);
    if (holder !== undefined && !sameResourceId(holder, endpoint.id)) return { verdict: "conflict", reason: `${want.type} ${fqdn} is held by endpoint ${holder}` };
    if (valueOf(have) !== valueOf(want)) return { verdict: "waiting", reason: `${want.type} ${fqdn} holds ${valueOf(have)}, ${valueOf(want)} is on its way` };
  }
  // `cnameNotSafe` is a note, not a missing answer: the legacy zone keeps an A record.
  const unwritable = facts.skipped.find((s) => s.reason !== "noAddresses" && s.reason !== "notProvisioned" && s.reason !== "notApproved" && s.reason !== "cnameNotSafe");
  if (unwritable !== undefined) return { verdict: "not-ours", reason: `${unwritable.fqdn}: ${unwritable.detail}` };
  const notYet = facts.skipped.find((s) => s.reason !== "cnameNotSafe");
  if (notYet !== undefined) return { verdict: "waiting", reason: `${notYet.fqdn}: ${notYet.detail}` };
  if (facts.desired.length === 0 && facts.servedByZoneGroup.length === 0) return { verdict: "waiting", reason: "the endpoint has no FQDNs yet" };
  return { verdict: "ready", reason: `every name resolves privately (${facts.desired.length} record(s) written${facts.servedByZoneGroup.length > 0 ? `, ${facts.servedByZoneGroup.length} served by the endpoint's zone group` : ""})` };
}

/** The status a pipeline reads; pure. */
export function statusOf(facts: StatusFacts): EndpointStatus {
  const { verdict, reason } = verdictOf(facts);
  const connections = facts.endpoint.links.map((link): ConnectionState => {
    const decided = link.status === "Pending" ? decisionFor(link, facts.decisions) : undefined;
    return { name: link.name, targetResourceId: link.targetResourceId, status: link.status, ...(decided ? { policy: { action: decided.decision.action, ruleName: decided.decision.ruleName, reason: decided.decision.reason } } : {}) };
  });
  const names: NameState[] = [
    ...facts.desired.map((want): NameState => {
      const have = facts.found.get(recordKey(want));
      return {
        fqdn: fqdnOf(want),
        zone: want.zone,
        expected: valueOf(want),
        ...(have !== undefined ? { record: { type: have.type, value: valueOf(have), owner: ownerOf(have) ?? null, endpointId: endpointOf(have) ?? null } } : {}),
      };
    }),
    ...facts.servedByZoneGroup.map((fqdn): NameState => ({ fqdn, note: "servedByZoneGroup" })),
    ...facts.skipped.map((s): NameState => ({ fqdn: s.fqdn, note: s.reason })),
  ];
  return { schemaVersion: 1, endpointId: facts.endpoint.id, verdict, reason, connections, names };
}

/** Reads what `statusOf` needs; `undefined` when the endpoint does not exist. */
export async function readEndpointStatus(
  clients: ArmClients,
  config: Pick<Config, "ownerId" | "dnsZoneResourceGroupIds" | "zoneSets" | "recordTtl">,
  endpointId: string,
  evaluate: () => Promise<{ pending: PendingDecision[]; notes: string[] }>,
): Promise<EndpointStatus | undefined> {
  const endpoint = await getPrivateEndpoint(clients, endpointId);
  if (endpoint === undefined) return undefined;
  const { pending, notes } = endpoint.links.some((l) => l.status === "Pending") ? await evaluate() : { pending: [], notes: [] };
  const listed = await listZones(clients, config.dnsZoneResourceGroupIds);
  const zones = await withVirtualNetworkLinks(clients, listed, { only: endpoint.links.flatMap((l) => zonesServing(resourceTypeOf(l.targetResourceId), listed)) });
  const desired = desiredRecordsIn(endpoint, zoneSetsOf(config), zones, { ownerId: config.ownerId, ttl: config.recordTtl });
  // Where our A record holds a Batch legacy name, it is kept instead of the CNAME (as a run does).
  const heldA: DnsRecord[] = [];
  for (const want of desired.records.filter((r) => r.sameAnswerAddresses !== undefined)) {
    const zone = zones.find((z) => z.id === want.zoneId);
    const have = zone && (await getRecordSet(clients, zone, "A", want.name));
    if (have !== undefined) heldA.push(have);
  }
  desired.records = keepHeldARecords(desired.records, heldA, config.ownerId);
  const found = new Map<string, DnsRecord>();
  for (const want of desired.records) {
    const zone = zones.find((z) => z.id === want.zoneId);
    const have = zone && (await getRecordSet(clients, zone, want.type, want.name));
    if (have !== undefined) found.set(recordKey(want), have);
  }
  return statusOf({ endpoint, ownerId: config.ownerId, decisions: pending, notes, desired: desired.records, servedByZoneGroup: desired.servedByZoneGroup, skipped: desired.skipped, found });
}
