/**
 * @module The stack every benchmark runs on: an ARM emulator seeded with storage accounts and their
 * endpoints, and the local Functions host running dist/functions against it, plus the helpers the
 * benchmarks share (a timed sweep with peak RSS, write counts).
 */

import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "@privatelink-autopilot/arm-emulator";
import type { Emulator, EmulatorOptions, EstateSeed, SeedPrivateEndpoint, SeedResource } from "@privatelink-autopilot/arm-emulator";
import { ownershipMetadata } from "../shared/dns/ownership";
import type { RunReport } from "../orchestrations/runReport";
import type { HostReady, HostReply, HostRequest, PeakMemory } from "./hostProcess";
import { NODE_WORKER_ARGUMENTS } from "../shared/nodeWorkerArguments";

export const HUB = "11111111-1111-1111-1111-111111111111";
export const SPOKE = "22222222-2222-2222-2222-222222222222";
export const OWNER = "bench-owner";
export const PAGE_SIZE = 100;
export const ZONE = "privatelink.blob.core.windows.net";
export const ZONES = [ZONE, "privatelink.vaultcore.azure.net"];
const POLICY = `
defaultAction: approve
rules:
  - name: platform
    match: { endpointSubscriptions: [${SPOKE}] }
    action: approve
    reason: platform subscription
`;

/** The Functions host running the app, in its own process (bench/hostProcess.ts). */
export interface BenchHost {
  url: string;
  runTimer(name: string): Promise<void>;
  waitForIdle(options: { timeoutMs: number }): Promise<void>;
  /** The host process's peak RSS in bytes since it started or since `resetPeakMemory`, with its heap and external memory then. */
  peakMemory(): Promise<PeakMemory>;
  resetPeakMemory(): Promise<void>;
  close(): Promise<void>;
}

export interface Bench {
  emulator: Emulator;
  host: BenchHost;
  dir: string;
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `count` storage accounts in the spoke, each with one endpoint: auto-approved unless `manual` (true:
 * every one; a number n: every n-th, the rest auto-approved).
 */
export function estate(count: number, manual: boolean | number): EstateSeed {
  const resources: SeedResource[] = [];
  const privateEndpoints: SeedPrivateEndpoint[] = [];
  for (let i = 0; i < count; i++) {
    const name = `stbench${String(i).padStart(5, "0")}`;
    resources.push({ type: "Microsoft.Storage/storageAccounts", name, subscriptionId: SPOKE, resourceGroup: "rg-data", location: "eastus" });
    privateEndpoints.push({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: `pe-${name}`, targetResourceId: `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/${name}`, groupIds: ["blob"], manual: typeof manual === "number" ? i % manual === 0 : manual });
  }
  return {
    subscriptions: [
      { id: HUB, resourceGroups: [{ name: "rg-dns" }] },
      { id: SPOKE, resourceGroups: [{ name: "rg-data" }, { name: "rg-endpoints" }, { name: "rg-net" }] },
    ],
    subnets: [{ id: `/subscriptions/${SPOKE}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe`, addressPrefix: "10.20.0.0/14" }],
    resources,
    privateEndpoints,
    privateDnsZones: ZONES.map((name) => ({ name, subscriptionId: HUB, resourceGroup: "rg-dns" })),
  };
}

export async function startBench(seed: EstateSeed, subscribe: boolean, emulatorOptions: Omit<EmulatorOptions, "estate" | "pageSize"> = {}, settings: Record<string, string> = {}): Promise<Bench> {
  const dir = await mkdtemp(join(tmpdir(), "plautopilot-bench-"));
  const emulator = await startEmulator({ ...emulatorOptions, estate: seed, pageSize: PAGE_SIZE });
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
    AUTOPILOT_ARM_WRITE_PACING: "200/10",
    ...settings,
  });
  const host = await startHostProcess(join(dir, "durable"));
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

type HostRequestBody = HostRequest extends infer R ? (R extends HostRequest ? Omit<R, "id"> : never) : never;

async function startHostProcess(stateDir: string): Promise<BenchHost> {
  // The app's process runs with the flags it has in Azure (NODE_WORKER_ARGUMENTS), then
  // BENCH_HOST_NODE_ARGS, e.g. --max-old-space-size=160, for experiments.
  const execArgv = [...NODE_WORKER_ARGUMENTS, ...(process.env["BENCH_HOST_NODE_ARGS"] ?? "").split(" ").filter((a) => a !== "")];
  const child: ChildProcess = fork(join(__dirname, "hostProcess.js"), [stateDir], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv });
  const waiting = new Map<number, { resolve: (value: PeakMemory | undefined) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once("exit", (code, signal) => {
      const error = new Error(`the bench host exited (code ${code}, signal ${signal})`);
      reject(error);
      for (const pending of waiting.values()) pending.reject(error);
      waiting.clear();
    });
    child.on("message", (message: HostReply | HostReady) => {
      if ("ready" in message) return resolveUrl(message.url);
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.ok) pending?.resolve(message.value);
      else pending?.reject(new Error(`bench host: ${message.error}`));
    });
  });
  const call = (request: HostRequestBody): Promise<PeakMemory | undefined> =>
    new Promise((resolveCall, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolveCall, reject });
      child.send({ ...request, id } as HostRequest);
    });
  return {
    url,
    runTimer: async (name) => void (await call({ op: "runTimer", name })),
    waitForIdle: async ({ timeoutMs }) => void (await call({ op: "waitForIdle", timeoutMs })),
    peakMemory: async () => (await call({ op: "peakMemory" })) ?? { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 },
    resetPeakMemory: async () => void (await call({ op: "resetPeakMemory" })),
    async close() {
      const exited = new Promise((r) => child.once("exit", r));
      await call({ op: "close" });
      await exited;
    },
  };
}

/**
 * Writes each approved endpoint's A record, marked as ours, straight into the emulator's zone: the
 * state a sweep leaves behind, reached without 100k paced writes. A no-op sweep that writes anything
 * shows this went wrong.
 */
export function putOwnedRecords(emulator: Emulator): number {
  const snapshot = emulator.control.snapshot();
  const zone = snapshot.privateDnsZones.find((z) => z.name === ZONE);
  if (zone === undefined) throw new Error(`the bench estate has no ${ZONE} zone`);
  const nics = new Map(snapshot.networkInterfaces.map((n) => [n.id, n]));
  let written = 0;
  for (const endpoint of snapshot.privateEndpoints) {
    const link = endpoint.links[0];
    const config = nics.get(endpoint.nicId)?.ipConfigs[0];
    if (link === undefined || link.state.status !== "Approved" || config === undefined) continue;
    const name = config.fqdn.split(".")[0] as string;
    emulator.control.putRecordSet({ zoneId: zone.id, type: "A", name, ttl: 10, ipv4Addresses: [config.privateIp], metadata: ownershipMetadata(OWNER, endpoint.id, [link.targetResourceId]) });
    written++;
  }
  return written;
}

export function writesIn(operations: Record<string, number>): number {
  return Object.entries(operations)
    .filter(([op]) => /^(PUT|PATCH|DELETE) /.test(op))
    .reduce((n, [, c]) => n + c, 0);
}

/** Runs the drift sweep timer to the end; `peakRss` is the app's (the host process's), not the emulator's. */
export async function sweep(bench: Bench): Promise<{ ms: number; peakRss: number; peak: PeakMemory }> {
  await bench.host.resetPeakMemory();
  const started = performance.now();
  await bench.host.runTimer("driftSweepTimer");
  await bench.settle();
  const ms = performance.now() - started;
  const peak = await bench.host.peakMemory();
  return { ms, peakRss: peak.rss, peak };
}

/** The largest orchestrator input, activity input or activity result (JSON characters) in the host's stored histories, and where. */
export async function largestPayload(bench: Bench): Promise<{ chars: number; where: string }> {
  const directory = join(bench.dir, "durable", "instances");
  let largest = { chars: 0, where: "none" };
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => visit(v, `${where}[${i}]`));
    if (typeof value !== "object" || value === null) return;
    const fields = value as Record<string, unknown>;
    for (const [key, v] of Object.entries(fields)) {
      if (/^(Input|Result|input)$/.test(key) && v !== undefined && v !== null) {
        const chars = typeof v === "string" ? v.length : JSON.stringify(v).length;
        const name = typeof fields["Name"] === "string" ? ` (${fields["Name"]})` : "";
        if (chars > largest.chars) largest = { chars, where: `${where}.${key}${name}` };
      } else {
        visit(v, `${where}.${key}`);
      }
    }
  };
  for (const file of (await readdir(directory)).filter((f) => f.endsWith(".json"))) visit(JSON.parse(await readFile(join(directory, file), "utf8")) as unknown, file);
  return largest;
}

/** The report the timer's drift sweep returned (from the host's stored history). */
export async function sweepReport(bench: Bench): Promise<RunReport> {
  const text = await readFile(join(bench.dir, "durable", "instances", "drift-sweep.json"), "utf8");
  // The sweep's key is its lock (runsForKey): the report is the result of the sweep it ran (SubOrchestrationInstanceCompleted).
  const completed = (JSON.parse(text) as { history: { EventType: number; Result?: string }[] }).history.filter((e) => e.EventType === 8).at(-1);
  if (completed?.Result === undefined) throw new Error("the drift sweep has not completed");
  return JSON.parse(completed.Result) as never;
}
