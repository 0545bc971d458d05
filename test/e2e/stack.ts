/**
 * @module The whole app for end-to-end tests: the ARM emulator with an estate, the local Functions host
 * running the app's own registrations (functions/index.ts), subscribed to the emulator's events, and
 * helpers to call the app over HTTP the way a person or Event Grid would.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadEstateSeed, startEmulator } from "@privatelink-autopilot/arm-emulator";
import type { Emulator, EmulatorOptions, EstateSeed } from "@privatelink-autopilot/arm-emulator";
import { startLocalHost } from "@privatelink-autopilot/functions-local-host";
import type { HostLogger, LocalHost, LogEntry } from "@privatelink-autopilot/functions-local-host";
import { resetRuntime } from "../../orchestrations/runtime";

export const ROOT = resolve(__dirname, "..", "..");
export const APP_ENTRY = join(ROOT, "functions", "index.ts");
export const HUB = "11111111-1111-1111-1111-111111111111";
export const SPOKE = "22222222-2222-2222-2222-222222222222";
export const UNKNOWN = "33333333-3333-3333-3333-333333333333";
export const OWNER = "e2e-owner";

/** The demo estate (packages/arm-emulator/estates/demo.json): hub zones, a spoke with Batch, ML, Storage, Key Vault, a stranger. */
export function demoEstate(): Promise<EstateSeed> {
  return loadEstateSeed(join(ROOT, "packages", "arm-emulator", "estates", "demo.json"));
}

/** The demo estate without its endpoints: the subscriptions, PaaS resources and zones a test starts from. */
export async function emptyEstate(): Promise<EstateSeed> {
  return { ...(await demoEstate()), privateEndpoints: [] };
}

export const TEST_POLICY = `
defaultAction: leavePending
rules:
  - name: keyvault-for-humans
    match: { targetResourceTypes: [Microsoft.KeyVault/vaults] }
    action: leavePending
    reason: Key Vault connections are reviewed by the security team
  - name: platform-subscriptions
    match: { endpointSubscriptions: [${HUB}, ${SPOKE}] }
    action: approve
    reason: the endpoint is in a platform subscription
  - name: unknown-subscriptions
    match: { not: { endpointSubscriptions: [${HUB}, ${SPOKE}] } }
    action: reject
    reason: the endpoint is in a subscription we do not know
`;

export interface StackOptions {
  estate?: EstateSeed;
  policy?: string;
  emulator?: EmulatorOptions;
  /** Reuse a state directory (a restarted host resumes its runs). */
  stateDir?: string;
  /** Extra app settings. */
  settings?: Record<string, string>;
  /** Drop every ARM event: only the runs a test starts act (as in a sweep-only measurement). */
  eventsOff?: boolean;
}

export interface Stack {
  emulator: Emulator;
  host: LocalHost;
  stateDir: string;
  policyFile: string;
  logs: LogEntry[];
  /** Waits until events are delivered and every run they started is done. */
  /** `timeoutMs` bounds each wait for the host to go idle (default 20 s). */
  settle(options?: { timeoutMs?: number }): Promise<void>;
  /** Empties the estate, seeds it again and re-subscribes the host. */
  reseed(estate: EstateSeed): Promise<void>;
  post(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
  get(path: string): Promise<{ status: number; body: unknown }>;
  /** Starts a manual run and waits for its report. */
  run(scope: unknown, dryRun?: boolean): Promise<RunResult>;
  /** Stops the host only (the emulator and the state stay), for restart tests. */
  stopHost(): Promise<void>;
  startHost(): Promise<void>;
  close(): Promise<void>;
}

export interface RunResult {
  instanceId: string;
  runtimeStatus: string;
  report: ReportLike;
}

/** The parts of a RunReport the tests read. */
export interface ReportLike {
  decisions: { connectionId: string; action: string; ruleName: string; reason: string; outcome: string }[];
  dns: { created: unknown[]; updated: unknown[]; deleted: unknown[]; conflicts: unknown[]; unchanged: unknown[]; skipped: unknown[] };
  notes: string[];
  errors: unknown[];
  dryRun: boolean;
}

async function json(response: Response): Promise<{ status: number; body: unknown }> {
  const text = await response.text();
  try {
    return { status: response.status, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
  } catch {
    return { status: response.status, body: text };
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), "plautopilot-e2e-")));
  const emulator = await startEmulator({ ...options.emulator, estate: options.estate ?? (await demoEstate()) });
  const caFile = join(stateDir, "ca.pem");
  const policyFile = join(stateDir, "policy.yaml");
  await writeFile(caFile, emulator.ca);
  await writeFile(policyFile, options.policy ?? TEST_POLICY);
  Object.assign(process.env, {
    AUTOPILOT_SUBSCRIPTIONS: `${HUB},${SPOKE}`,
    AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `/subscriptions/${HUB}/resourceGroups/rg-dns`,
    AUTOPILOT_OWNER_ID: OWNER,
    AUTOPILOT_POLICY_PATH: policyFile,
    AUTOPILOT_ARM_ENDPOINT: emulator.url,
    AUTOPILOT_ARM_CA_FILE: caFile,
    AUTOPILOT_ARM_STATIC_TOKEN: "e2e",
    ...options.settings,
  });
  resetRuntime();
  const logs: LogEntry[] = [];
  const logger: HostLogger = { log: (entry) => void logs.push(entry) };
  let host!: LocalHost;
  const startHost = async () => {
    host = await startLocalHost({ entry: APP_ENTRY, port: 0, stateDir: join(stateDir, "durable"), logger, timers: false, maxTimerWaitMs: 20 });
    await emulator.control.subscribe({ url: `${host.url}/runtime/webhooks/eventgrid?functionName=onArmEvent` });
  };
  await startHost();
  if (options.eventsOff === true) emulator.control.setEventChaos({ dropProbability: 1 });

  const stack: Stack = {
    emulator,
    get host() {
      return host;
    },
    stateDir,
    policyFile,
    logs,
    async settle(options = {}) {
      for (let i = 0; i < 4; i++) {
        await emulator.control.flushEvents();
        await host.waitForIdle({ timeoutMs: options.timeoutMs ?? 20_000 });
      }
    },
    async reseed(estate) {
      emulator.control.reset();
      emulator.control.seed(estate);
      await emulator.control.subscribe({ url: `${host.url}/runtime/webhooks/eventgrid?functionName=onArmEvent` });
    },
    post: async (path, body) => json(await fetch(`${host.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) })),
    get: async (path) => json(await fetch(`${host.url}${path}`)),
    async run(scope, dryRun = false) {
      const started = await stack.post("/api/runs", { scope, dryRun });
      if (started.status !== 202) throw new Error(`POST /api/runs answered ${started.status}: ${JSON.stringify(started.body)}`);
      const { id: instanceId } = started.body as { id: string };
      await stack.settle();
      const status = await stack.get(`/api/runs/${instanceId}`);
      const body = status.body as { runtimeStatus: string; report: ReportLike };
      return { instanceId, runtimeStatus: body.runtimeStatus, report: body.report };
    },
    async stopHost() {
      await host.close();
    },
    startHost,
    async close() {
      await host.close();
      await emulator.close();
      if (options.stateDir === undefined) await rm(stateDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** The record sets in a zone, from the emulator's snapshot, as `name type value owner` strings. */
export function recordsIn(emulator: Emulator, zone: string): string[] {
  const snapshot = emulator.control.snapshot();
  return snapshot.recordSets
    .filter((r) => r.zoneName === zone && (r.type === "A" || r.type === "CNAME"))
    .map((r) => `${r.name} ${r.type} ${r.type === "A" ? r.aRecords.join(",") : (r.cname ?? "")}${r.metadata["owner"] !== undefined ? ` owner=${r.metadata["owner"]}` : ""}`)
    .sort();
}
