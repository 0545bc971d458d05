/**
 * @module Benchmarks of the whole app (ARM emulator + local Functions host running dist/functions):
 * ARM requests per no-op sweep against the fewest list pages, writes against changes needed, event to
 * record latency against direct SDK writes, and sweep wall time and peak RSS. Prints ratios against
 * baselines measured in the same run. Usage: `npm run bench [-- --sizes 1000,10000]`.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { startEmulator } from "../local/emulator";
import type { Emulator, EstateSeed, SeedPrivateEndpoint, SeedResource } from "../local/emulator";
import { startLocalHost } from "../local/host";
import type { LocalHost } from "../local/host";
import { resetRuntime } from "../orchestrations/runtime";
import { StaticTokenCredential } from "../shared/azure/clients";

const ROOT = resolve(__dirname, "..", "..");
const APP_ENTRY = join(ROOT, "dist", "functions", "index.js");
const HUB = "11111111-1111-1111-1111-111111111111";
const SPOKE = "22222222-2222-2222-2222-222222222222";
const OWNER = "bench-owner";
const PAGE_SIZE = 100;
const ZONE = "privatelink.blob.core.windows.net";
const ZONES = [ZONE, "privatelink.vaultcore.azure.net"];
const POLICY = `
defaultAction: approve
rules:
  - name: platform
    match: { endpointSubscriptions: [${SPOKE}] }
    action: approve
    reason: platform subscription
`;

interface Bench {
  emulator: Emulator;
  host: LocalHost;
  dir: string;
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** `count` storage accounts in the spoke, each with one endpoint (auto-approved unless `manual`). */
function estate(count: number, manual: boolean): EstateSeed {
  const resources: SeedResource[] = [];
  const privateEndpoints: SeedPrivateEndpoint[] = [];
  for (let i = 0; i < count; i++) {
    const name = `stbench${String(i).padStart(5, "0")}`;
    resources.push({ type: "Microsoft.Storage/storageAccounts", name, subscriptionId: SPOKE, resourceGroup: "rg-data", location: "eastus" });
    privateEndpoints.push({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: `pe-${name}`, targetResourceId: `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/${name}`, groupIds: ["blob"], manual });
  }
  return {
    subscriptions: [
      { id: HUB, resourceGroups: [{ name: "rg-dns" }] },
      { id: SPOKE, resourceGroups: [{ name: "rg-data" }, { name: "rg-endpoints" }, { name: "rg-net" }] },
    ],
    subnets: [{ id: `/subscriptions/${SPOKE}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe`, addressPrefix: "10.20.0.0/16" }],
    resources,
    privateEndpoints,
    privateDnsZones: ZONES.map((name) => ({ name, subscriptionId: HUB, resourceGroup: "rg-dns" })),
  };
}

async function startBench(seed: EstateSeed, subscribe: boolean): Promise<Bench> {
  const dir = await mkdtemp(join(tmpdir(), "plautopilot-bench-"));
  const emulator = await startEmulator({ estate: seed, pageSize: PAGE_SIZE });
  await writeFile(join(dir, "ca.pem"), emulator.ca);
  await writeFile(join(dir, "policy.yaml"), POLICY);
  Object.assign(process.env, {
    AUTOPILOT_SUBSCRIPTIONS: `${HUB},${SPOKE}`,
    AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `/subscriptions/${HUB}/resourceGroups/rg-dns`,
    AUTOPILOT_OWNER_ID: OWNER,
    AUTOPILOT_POLICY_PATH: join(dir, "policy.yaml"),
    AUTOPILOT_ARM_ENDPOINT: emulator.url,
    AUTOPILOT_ARM_CA_FILE: join(dir, "ca.pem"),
    AUTOPILOT_ARM_STATIC_TOKEN: "bench",
  });
  resetRuntime();
  const host = await startLocalHost({ entry: APP_ENTRY, port: 0, stateDir: join(dir, "durable"), logger: { log: () => undefined }, timers: false, maxTimerWaitMs: 20 });
  if (subscribe) await emulator.control.subscribe({ url: `${host.url}/runtime/webhooks/eventgrid?functionName=onArmEvent` });
  return {
    emulator,
    host,
    dir,
    async settle() {
      for (let i = 0; i < 3; i++) {
        await emulator.control.flushEvents();
        await host.waitForIdle({ timeoutMs: 600_000 });
      }
    },
    async close() {
      await host.close();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function writesIn(operations: Record<string, number>): number {
  return Object.entries(operations)
    .filter(([op]) => /^(PUT|PATCH|DELETE) /.test(op))
    .reduce((n, [, c]) => n + c, 0);
}

async function sweep(bench: Bench): Promise<{ ms: number; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const started = performance.now();
  await bench.host.runTimer("driftSweepTimer");
  await bench.settle();
  const ms = performance.now() - started;
  clearInterval(sampler);
  return { ms, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
}

const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE_SIZE));
const fmt = (n: number, digits = 0) => n.toFixed(digits);
const rows: string[][] = [];
const row = (...cells: string[]) => void rows.push(cells);

async function sweepFigures(size: number): Promise<{ ms: number; peakRss: number }> {
  gcIfExposed();
  const bench = await startBench(estate(size, false), false);
  try {
    const control = bench.emulator.control;
    const first = await sweep(bench);
    row(`initial sweep, ${size} endpoints`, `${fmt(first.ms)} ms`, "", `writes ${writesIn(control.counters().operations)}`);

    control.resetCounters();
    const noop = await sweep(bench);
    const counters = control.counters();
    const snapshot = control.snapshot();
    // Fewest pages: endpoints by subscription (2 subscriptions), zones by resource group, each zone's record sets (+ SOA).
    const endpointPages = pages(snapshot.privateEndpoints.filter((e) => e.subscriptionId === SPOKE).length) + 1;
    const recordPages = ZONES.reduce((n, zone) => n + pages(snapshot.recordSets.filter((r) => r.zoneName === zone).length + 1), 0);
    const minimal = endpointPages + recordPages + 1;
    const naive = snapshot.privateEndpoints.length * 3 + snapshot.recordSets.length + ZONES.length;
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
    row(`no-op sweep wall time, ${size} owned records`, `${fmt(noop.ms)} ms`, "", `peak RSS ${fmt(noop.peakRss / 2 ** 20)} MiB (whole process: emulator + host)`);
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

async function main(): Promise<void> {
  const arg = process.argv.indexOf("--sizes");
  const sizes = (arg >= 0 ? (process.argv[arg + 1] ?? "1000") : "1000,10000").split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 20_000)) throw new RangeError(`--sizes ${sizes.join(",")}: expected comma-separated endpoint counts between 1 and 20000`);
  const started = Date.now();
  const results: { size: number; ms: number; peakRss: number }[] = [];
  for (const size of sizes) results.push({ size, ...(await sweepFigures(size)) });
  if (results.length > 1) {
    const [a, b] = [results[0], results[results.length - 1]];
    if (a !== undefined && b !== undefined) row(`growth ${a.size} -> ${b.size} (${fmt(b.size / a.size)}x records)`, `wall ${fmt(b.ms / a.ms, 1)}x`, `peak RSS ${fmt(b.peakRss / a.peakRss, 2)}x`, "");
  }
  await eventToRecord(100);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | "));
  console.log(`done in ${fmt((Date.now() - started) / 1000, 1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
