/**
 * @module The stack every benchmark runs on: an ARM emulator seeded with storage accounts and their
 * endpoints, and the local Functions host running dist/functions against it, plus the helpers the
 * benchmarks share (a timed sweep with peak RSS, write counts).
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmulator } from "../local/emulator";
import type { Emulator, EmulatorOptions, EstateSeed, SeedPrivateEndpoint, SeedResource } from "../local/emulator";
import { startLocalHost } from "../local/host";
import type { LocalHost } from "../local/host";
import { resetRuntime } from "../orchestrations/runtime";

const ROOT = resolve(__dirname, "..", "..");
const APP_ENTRY = join(ROOT, "dist", "functions", "index.js");
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

export interface Bench {
  emulator: Emulator;
  host: LocalHost;
  dir: string;
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** `count` storage accounts in the spoke, each with one endpoint (auto-approved unless `manual`). */
export function estate(count: number, manual: boolean): EstateSeed {
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

export async function startBench(seed: EstateSeed, subscribe: boolean, emulatorOptions: Omit<EmulatorOptions, "estate" | "pageSize"> = {}): Promise<Bench> {
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

export function writesIn(operations: Record<string, number>): number {
  return Object.entries(operations)
    .filter(([op]) => /^(PUT|PATCH|DELETE) /.test(op))
    .reduce((n, [, c]) => n + c, 0);
}

export async function sweep(bench: Bench): Promise<{ ms: number; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const started = performance.now();
  await bench.host.runTimer("driftSweepTimer");
  await bench.settle();
  const ms = performance.now() - started;
  clearInterval(sampler);
  return { ms, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
}
