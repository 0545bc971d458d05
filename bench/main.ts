/**
 * @module Benchmarks of the whole app (ARM emulator + local Functions host running dist/functions):
 * ARM requests per no-op sweep against the fewest list pages, writes against changes needed, event to
 * record latency against direct SDK writes, and sweep wall time and peak RSS. Prints ratios against
 * baselines measured in the same run, and the throttling figures of bench/throttling.ts.
 * Also a sweep over an estate with 10% Pending connections (`--pending-sizes`, default 1000,10000) and a
 * first-run sweep that creates every record (`--first-run-sizes`, default 10000), each with the largest
 * orchestrator input or activity result in the stored histories.
 * Usage: `npm run bench [-- --sizes 1000,10000,100000] [--pending-sizes 1000,10000] [--first-run-sizes 10000]
 * [--no-events] [--no-throttling]`; an empty list (`--sizes ""`) skips that part.
 */

import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { StaticTokenCredential } from "../shared/azure/clients";
import { LINK_PROVIDERS } from "../shared/azure/providers";
import { throttlingFigures } from "./throttling";
import type { EstateSnapshot } from "@privatelink-autopilot/arm-emulator";
import { estate, HUB, largestPayload, OWNER, PAGE_SIZE, putOwnedRecords, SPOKE, startBench, sweep, sweepReport, writesIn, ZONE, ZONES } from "./benchStack";
import type { Bench } from "./benchStack";
import type { PeakMemory } from "./hostProcess";
import { countOf } from "../orchestrations/runReport";

const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE_SIZE));
const fmt = (n: number, digits = 0) => n.toFixed(digits);
const rows: string[][] = [];
const row = (...cells: string[]) => void rows.push(cells);

/**
 * Fewest pages a sweep needs: endpoints by subscription, zones by resource group, each zone's record
 * sets (+ SOA), and per subscription each Private Link type that lists its resources with their
 * connections (an empty list is one page: nothing else says the subscription holds none).
 */
function minimalPages(snapshot: EstateSnapshot): number {
  const endpointPages = [HUB, SPOKE].reduce((n, sub) => n + pages(snapshot.privateEndpoints.filter((e) => e.subscriptionId === sub).length), 0);
  const recordPages = ZONES.reduce((n, zone) => n + pages(snapshot.recordSets.filter((r) => r.zoneName === zone).length + 1), 0);
  const listed = LINK_PROVIDERS.filter((p) => p.listsConnections);
  const targetPages = [HUB, SPOKE].reduce((n, sub) => n + listed.reduce((m, p) => m + pages(snapshot.resources.filter((r) => r.subscriptionId === sub && r.type === p.resourceType).length), 0), 0);
  return endpointPages + 1 + recordPages + targetPages;
}

/** What the host's memory was at its peak RSS: the V8 heap (and how much of it was in use, garbage included) and memory outside it. */
function atPeak(peak: PeakMemory): string {
  const mib = (n: number) => fmt(n / 2 ** 20);
  return `at the peak: heap ${mib(peak.heapTotal)} MiB, ${mib(peak.heapUsed)} used; external ${mib(peak.external)} MiB`;
}

async function payloadRow(bench: Bench, what: string): Promise<void> {
  const { chars, where } = await largestPayload(bench);
  row(`largest orchestrator input or activity result, ${what}`, `${fmt(chars / 1024, 1)} KiB`, "goal <= 256 KiB", where);
}

/** A sweep over an estate where every 10th endpoint is Pending: list pages, writes per change, one report entry per name. */
async function pendingSweepFigures(size: number): Promise<void> {
  gcIfExposed();
  const bench = await startBench(estate(size, 10), false);
  try {
    const control = bench.emulator.control;
    putOwnedRecords(bench.emulator);
    const before = control.snapshot();
    const pendingCount = before.connections.filter((c) => c.state.status === "Pending").length;
    control.resetCounters();
    const run = await sweep(bench);
    const { operations, total } = control.counters();
    const writes = writesIn(operations);
    const count = (pattern: RegExp) => Object.entries(operations).filter(([op]) => pattern.test(op)).reduce((n, [, c]) => n + c, 0);
    // Per decision, setConnectionState re-reads the connection (never overriding someone else's decision); Batch-style LRO polls too.
    const perDecision = count(/^GET .*privateEndpointConnections:get$/) + count(/^GET operations:/);
    const listReads = total - writes - perDecision;
    const minimal = minimalPages(before);
    const report = await sweepReport(bench);
    const names = new Set(report.dns.conflicts.map((c) => `${c.name}.${c.zone}`));
    const shown = report.omitted?.conflicts === undefined ? `${names.size} names` : `${names.size} names among the first ${report.dns.conflicts.length}`;
    row(`sweep with ${pendingCount} Pending of ${size} endpoints: list requests`, `${listReads}`, `minimal pages ${minimal}`, `ratio ${fmt(listReads / minimal, 2)}x (goal <= 1.05x); plus ${perDecision} reads of a connection before its decision`);
    row(`  writes`, `${writes}`, `needed ${pendingCount * 2} (${pendingCount} approvals + ${pendingCount} A records)`, `ratio ${fmt(writes / Math.max(1, pendingCount * 2), 2)}x; report: ${countOf(report, "decisions")} decisions, ${countOf(report, "created")} created, ${countOf(report, "conflicts")} conflicts for ${shown}, ${report.errors.length} errors`);
    row(`  wall time`, `${fmt(run.ms)} ms`, "", `peak RSS ${fmt(run.peakRss / 2 ** 20)} MiB (${atPeak(run.peak)})`);
    await payloadRow(bench, `that sweep at ${size}`);
  } finally {
    await bench.close();
  }
}

/** A first sweep that creates every record (write pacing off: the bench measures the app, not ARM's bucket). */
async function firstRunFigures(size: number): Promise<void> {
  gcIfExposed();
  const bench = await startBench(estate(size, false), false, {}, { AUTOPILOT_ARM_WRITE_PACING: "off" });
  try {
    bench.emulator.control.resetCounters();
    const run = await sweep(bench);
    const writes = writesIn(bench.emulator.control.counters().operations);
    row(`first-run sweep creating ${size} records`, `${fmt(run.ms)} ms`, `writes ${writes}, needed ${size}`, `peak RSS ${fmt(run.peakRss / 2 ** 20)} MiB (goal < 256 MiB at 10k; ${atPeak(run.peak)})`);
    await payloadRow(bench, `first-run sweep at ${size}`);
  } finally {
    await bench.close();
  }
}

async function sweepFigures(size: number): Promise<{ ms: number; peakRss: number }> {
  gcIfExposed();
  const bench = await startBench(estate(size, false), false);
  try {
    const control = bench.emulator.control;
    putOwnedRecords(bench.emulator);
    control.resetCounters();
    const noop = await sweep(bench);
    const counters = control.counters();
    const snapshot = control.snapshot();
    const minimal = minimalPages(snapshot);
    const naive = snapshot.privateEndpoints.length * 3 + snapshot.recordSets.length + ZONES.length + snapshot.resources.length * 2;
    row(`ARM requests, no-op sweep, ${size} endpoints`, `${counters.total}`, `minimal pages ${minimal}`, `ratio ${fmt(counters.total / minimal, 2)}x (goal <= 1.05x); naive GET per item ~${naive}`);
    const byOp = Object.entries(counters.operations).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([op, c]) => `${op}=${c}`).join("; ");
    row(`  requests by operation`, "", "", byOp);
    row(`writes, no-op sweep, ${size} endpoints`, `${writesIn(counters.operations)}`, "needed 0", "");

    const deleted = Math.min(50, Math.floor(size / 10));
    const owned = snapshot.recordSets.filter((r) => r.metadata["owner"] === OWNER).slice(0, deleted);
    for (const r of owned) control.deleteRecordSet({ zoneId: r.zoneId, type: r.type, name: r.name });
    control.resetCounters();
    await sweep(bench);
    const repairWrites = writesIn(control.counters().operations);
    row(`writes, sweep after deleting ${owned.length} records`, `${repairWrites}`, `needed ${owned.length}`, `ratio ${fmt(repairWrites / Math.max(1, owned.length), 2)}x`);
    row(`no-op sweep wall time, ${size} owned records`, `${fmt(noop.ms)} ms`, "", `peak RSS ${fmt(noop.peakRss / 2 ** 20)} MiB (the host process; goal < 256 MiB at 100k; ${atPeak(noop.peak)})`);
    await payloadRow(bench, `no-op sweep at ${size}`);
    return noop;
  } finally {
    await bench.close();
  }
}

function gcIfExposed(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function eventToRecord(count: number): Promise<void> {
  const bench = await startBench(estate(count, true), true);
  try {
    const control = bench.emulator.control;
    // The seeded endpoints are Pending; delete them so each measured one is created fresh.
    for (const e of control.snapshot().privateEndpoints) control.deletePrivateEndpoint(e.id);
    await bench.settle();
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const name = `stbench${String(i).padStart(5, "0")}`;
      const started = performance.now();
      control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: `pe-live-${i}`, targetResourceId: `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/${name}`, groupIds: ["blob"], manual: true });
      const deadline = started + 30_000;
      while (!control.snapshot().recordSets.some((r) => r.zoneName === ZONE && r.name === name && r.metadata["owner"] === OWNER)) {
        if (performance.now() > deadline) throw new Error(`no A record for ${name} after 30 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
      latencies.push(performance.now() - started);
    }
    await bench.settle();

    const client = new PrivateDnsManagementClient(new StaticTokenCredential("bench"), HUB, { endpoint: bench.emulator.url, credentialScopes: ["https://management.azure.com/.default"], tlsOptions: { ca: bench.emulator.ca } } as ConstructorParameters<typeof PrivateDnsManagementClient>[2]);
    const direct: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await client.recordSets.createOrUpdate("rg-dns", ZONE, "A", `direct-${i}`, { ttl: 10, aRecords: [{ ipv4Address: `10.99.${Math.floor(i / 250)}.${(i % 250) + 1}` }] });
      direct.push(performance.now() - started);
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const b50 = percentile(direct, 50);
    const b99 = percentile(direct, 99);
    row(`event to A record, ${count} endpoints`, `p50 ${fmt(p50, 1)} ms, p99 ${fmt(p99, 1)} ms`, `direct upsertARecord p50 ${fmt(b50, 1)} ms, p99 ${fmt(b99, 1)} ms`, `ratio p50 ${fmt(p50 / b50, 1)}x, p99 ${fmt(p99 / b99, 1)}x`);
  } finally {
    await bench.close();
  }
}

function sizesArg(flag: string, fallback: string): number[] {
  const arg = process.argv.indexOf(flag);
  const text = arg >= 0 ? (process.argv[arg + 1] ?? "") : fallback;
  const sizes = text === "" ? [] : text.split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000)) throw new RangeError(`${flag} ${text}: expected comma-separated endpoint counts between 1 and 100000`);
  return sizes;
}

async function main(): Promise<void> {
  const sizes = sizesArg("--sizes", "1000,10000,100000");
  const pendingSizes = sizesArg("--pending-sizes", "1000,10000");
  const firstRunSizes = sizesArg("--first-run-sizes", "10000");
  const started = Date.now();
  for (const size of pendingSizes) await pendingSweepFigures(size);
  for (const size of firstRunSizes) await firstRunFigures(size);
  const results: { size: number; ms: number; peakRss: number }[] = [];
  for (const size of sizes) results.push({ size, ...(await sweepFigures(size)) });
  for (const [i, b] of results.entries()) {
    const a = results[i - 1];
    if (a !== undefined) row(`growth ${a.size} -> ${b.size} (${fmt(b.size / a.size)}x records)`, `wall ${fmt(b.ms / a.ms, 1)}x`, `peak RSS ${fmt(b.peakRss / a.peakRss, 2)}x`, "goal: wall within 1.2x the growth in records");
  }
  if (!process.argv.includes("--no-events")) await eventToRecord(200);
  if (!process.argv.includes("--no-throttling")) rows.push(...(await throttlingFigures()));
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | "));
  console.log(`done in ${fmt((Date.now() - started) / 1000, 1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
