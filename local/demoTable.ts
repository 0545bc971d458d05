/**
 * @module The table `npm start` closes its demo with: every private endpoint connection (state and the
 * rule that decided it) and every private DNS name (value and the endpoint that owns it), from the
 * emulated estate as it stands, so a person sees the outcome without reading the log.
 */
import type { EstateSnapshot } from "@privatelink-autopilot/arm-emulator";
import { shortConnectionName, shortName } from "../orchestrations/changeLine";
import { endpointOf, isZoneGroupRecord, ownerOf } from "../shared/dns/ownership";

/** Columns padded to their widest cell, two spaces apart, no trailing spaces. */
function aligned(rows: readonly string[][]): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd());
}

/** The rule named in a description we wrote (`privatelink-autopilot approved (rule <name>): ...`), else `-`. */
function ruleOf(description: string): string {
  return /\(rule ([^)]*)\)/.exec(description)?.[1] ?? "-";
}

/** Who owns a record: the owner id on our marker, a DNS zone group, or `-` for a record nobody marked. */
function ownerName(record: { metadata: Record<string, string> }): string {
  return ownerOf(record) ?? (isZoneGroupRecord(record) ? "zone group" : "-");
}

/** The two tables as lines: connections by resource, then names by FQDN. */
export function demoTable(snapshot: EstateSnapshot): string[] {
  const connections = snapshot.connections
    .map((c) => [shortConnectionName(c.id), c.state.status, ruleOf(c.state.description)])
    .sort((a, b) => (a[0] ?? "").localeCompare(b[0] ?? ""));
  const names = snapshot.recordSets
    .map((r) => [`${r.name}.${r.zoneName}`, r.type, r.type === "CNAME" ? (r.cname ?? "") : r.aRecords.join(","), shortName(endpointOf(r) ?? "-"), ownerName(r)])
    .sort((a, b) => (a[0] ?? "").localeCompare(b[0] ?? ""));
  return [...aligned([["CONNECTION", "STATE", "RULE"], ...connections]), "", ...aligned([["NAME", "TYPE", "VALUE", "ENDPOINT", "OWNER"], ...names])];
}
