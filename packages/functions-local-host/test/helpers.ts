/**
 * @module Shared helpers for the local host tests: start a host on the sample app with a fresh
 * state directory, capture its log lines, call it over HTTP and poll durable status URLs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { LocalHost, StartLocalHostOptions } from "../src/index";
import { startLocalHost } from "../src/index";
import type { HostLogger, LogEntry } from "../src/index";

export const fixtureEntry = resolve(__dirname, "./fixtures/app/index.ts");

export interface MemoryLogger extends HostLogger {
  readonly entries: LogEntry[];
  /** Messages containing `text`. */
  find(text: string): LogEntry[];
}

export function createMemoryLogger(): MemoryLogger {
  const entries: LogEntry[] = [];
  return {
    entries,
    log: (entry) => {
      entries.push(entry);
    },
    find: (text) => entries.filter((entry) => entry.message.includes(text)),
  };
}

export async function createStateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "local-host-test-"));
}

export async function removeStateDir(stateDir: string): Promise<void> {
  await rm(stateDir, { recursive: true, force: true });
}

export interface TestHost {
  readonly host: LocalHost;
  readonly logger: MemoryLogger;
  readonly stateDir: string;
}

/** A host on the sample app, port 0, no schedules, short timer waits. */
export async function startTestHost(overrides: Partial<StartLocalHostOptions> = {}): Promise<TestHost> {
  const logger = createMemoryLogger();
  const stateDir = overrides.stateDir ?? (await createStateDir());
  const host = await startLocalHost({ entry: fixtureEntry, port: 0, stateDir, logger, timers: false, maxTimerWaitMs: 200, ...overrides });
  return { host, logger, stateDir };
}

export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export async function requestJson(url: string, init: RequestInit = {}): Promise<JsonResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    // Plain text body.
  }
  return { status: response.status, headers: response.headers, body };
}

export function postJson(url: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  return requestJson(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
}

export interface DurableStatus {
  readonly runtimeStatus: string;
  readonly output: unknown;
  readonly input: unknown;
  readonly customStatus: unknown;
  readonly name: string;
  readonly instanceId: string;
}

function isStatus(value: unknown): value is DurableStatus {
  return typeof value === "object" && value !== null && typeof (value as { runtimeStatus?: unknown }).runtimeStatus === "string";
}

/** Polls a status URL until `done(status)` holds; bounded by `timeoutMs`. */
export async function pollStatus(statusUrl: string, done: (status: DurableStatus) => boolean, timeoutMs = 8000): Promise<DurableStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const response = await requestJson(statusUrl);
    last = response.body;
    if (isStatus(last) && done(last)) return last;
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 15));
  }
  throw new Error(`Status at ${statusUrl} did not reach the expected state within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

const finished = new Set(["Completed", "Failed", "Terminated"]);

/** Polls until the instance has finished. */
export function waitForFinish(statusUrl: string, timeoutMs?: number): Promise<DurableStatus> {
  return pollStatus(statusUrl, (status) => finished.has(status.runtimeStatus), timeoutMs);
}

/** Starts `orchestrator` through the sample app's HTTP starter; returns the check-status payload. */
export async function startOrchestration(host: LocalHost, orchestrator: string, input?: unknown, instanceId?: string): Promise<{ id: string; statusQueryGetUri: string; sendEventPostUri: string }> {
  const response = await postJson(`${host.url}/api/start/${orchestrator}${instanceId ? `/${instanceId}` : ""}`, input);
  if (response.status !== 202) throw new Error(`Starting ${orchestrator} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as { id: string; statusQueryGetUri: string; sendEventPostUri: string };
}

/** Waits (bounded) until `check()` is true. */
export async function eventually(check: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 10));
  }
}
