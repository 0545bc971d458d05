/**
 * @module The CLI's `runs` and `report <id>` verbs: they read the run history from the app's HTTP API
 * (`GET /api/runs`, `GET /api/runs/{id}`) with the function key, so they show what the deployed app did.
 */

import type { RunsPage } from "../functions/runHistory";
import type { CliIo } from "./cliIo";
import { CLI_SCHEMA_VERSION, table } from "./cliIo";

/** Where the app is and its key: `AUTOPILOT_APP_URL` (or `--app`) and `AUTOPILOT_FUNCTION_KEY`. */
export interface AppAccess {
  url: string;
  key: string | undefined;
}

export const APP_ENV_NOTE = `The app: --app <url> or AUTOPILOT_APP_URL (https://<app host>; \`npm start\` serves
http://127.0.0.1:7071), and its function key in AUTOPILOT_FUNCTION_KEY (az functionapp keys list ...
--query functionKeys.default -o tsv), sent as the x-functions-key header; not needed locally.`;

/** The usage problem with `--app`/`AUTOPILOT_APP_URL`, or the access. */
export function appAccess(app: string | undefined, env: Record<string, string | undefined>): AppAccess | string {
  const url = app ?? env["AUTOPILOT_APP_URL"];
  if (url === undefined || url.trim() === "") return "expected --app <url> or AUTOPILOT_APP_URL";
  if (!/^https?:\/\/[^/]+/.test(url)) return `--app: expected an http(s) URL like https://<app host>, got ${JSON.stringify(url)}`;
  const key = env["AUTOPILOT_FUNCTION_KEY"];
  return { url: url.replace(/\/+$/, ""), key: key === undefined || key === "" ? undefined : key };
}

async function get(access: AppAccess, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${access.url}${path}`, { headers: access.key !== undefined ? { "x-functions-key": access.key } : {} });
  return { status: response.status, text: await response.text() };
}

/** The app's error message from an error answer, or the answer itself. */
function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === "string") return body.error.message;
  } catch {
    // Not JSON: show it as it came.
  }
  return text.trim();
}

/** `--since` as the API takes it: an ISO time, or a duration back from now (`12h`, `7d`). */
export function sinceParameter(value: string, now: Date): string {
  const duration = /^(\d+)([hd])$/.exec(value);
  if (duration === null) return value;
  return new Date(now.getTime() - Number(duration[1]) * (duration[2] === "h" ? 3_600_000 : 86_400_000)).toISOString();
}

export interface RunsOptions {
  json: boolean;
  filters: Record<string, string | undefined>;
}

/** `runs`: one line per run, newest first. 0 listed; 2 the API refused the filters (400); 1 otherwise. */
export async function listRunsCommand(access: AppAccess, options: RunsOptions, io: CliIo): Promise<number> {
  const query = new URLSearchParams(Object.entries(options.filters).filter((e): e is [string, string] => e[1] !== undefined));
  const answer = await get(access, `/api/runs${query.size > 0 ? `?${query.toString()}` : ""}`);
  if (answer.status !== 200) {
    io.err(`GET /api/runs answered ${answer.status}: ${messageOf(answer.text)}`);
    return answer.status === 400 ? 2 : 1;
  }
  const page = JSON.parse(answer.text) as RunsPage;
  if (options.json) {
    io.out(JSON.stringify({ ...page, schemaVersion: CLI_SCHEMA_VERSION }, null, 2));
    return 0;
  }
  if (page.runs.length === 0) {
    io.out("No runs match.");
    return 0;
  }
  const count = (n: number | undefined) => (n === undefined ? "-" : String(n));
  const rows = [
    ["STARTED", "KIND", "STATUS", "DECISIONS", "RECORDS", "ERRORS", "ID"],
    ...page.runs.map((r) => [r.createdTime, `${r.kind}${r.dryRun ? " (dry)" : ""}`, r.runtimeStatus, count(r.decisions), count(r.recordChanges), count(r.errors), r.id]),
  ];
  for (const line of table(rows, "")) io.out(line);
  if (page.continuationToken !== undefined) io.out(`More: --continuation-token ${page.continuationToken}`);
  return 0;
}

/** `report <id>`: the run's report as text (or its JSON). 0 shown; 1 no such run or another error. */
export async function reportCommand(access: AppAccess, id: string, options: { json: boolean }, io: CliIo): Promise<number> {
  const path = `/api/runs/${encodeURIComponent(id)}${options.json ? "" : "?format=text"}`;
  const answer = await get(access, path);
  if (answer.status !== 200) {
    io.err(`GET /api/runs/${id} answered ${answer.status}: ${messageOf(answer.text)}`);
    return 1;
  }
  if (options.json) io.out(JSON.stringify({ schemaVersion: CLI_SCHEMA_VERSION, ...(JSON.parse(answer.text) as object) }, null, 2));
  else io.out(answer.text.replace(/\n$/, ""));
  return 0;
}

export interface WaitOptions {
  json: boolean;
  timeoutSeconds: number;
  intervalSeconds: number;
}

interface StatusAnswer {
  verdict: string;
  reason: string;
}

const TERMINAL = new Set(["pending-approval", "conflict", "not-ours"]);

/**
 * `wait <endpoint id>`: polls `GET /api/endpoints/{id}/status` until the endpoint's names resolve
 * privately. 0 ready; 1 a verdict that will not change by itself (pending-approval, conflict, not-ours)
 * or an error answer (no such endpoint included); 2 the timeout passed first.
 */
export async function waitCommand(access: AppAccess, endpointId: string, options: WaitOptions, io: CliIo, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): Promise<number> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let last = "";
  for (;;) {
    const answer = await get(access, `/api/endpoints${encodeURI(endpointId)}/status`);
    if (answer.status !== 200) {
      io.err(`GET /api/endpoints/.../status answered ${answer.status}: ${messageOf(answer.text)}`);
      return 1;
    }
    const status = JSON.parse(answer.text) as StatusAnswer;
    const line = `${status.verdict}: ${status.reason}`;
    const done = status.verdict === "ready" || TERMINAL.has(status.verdict);
    const timedOut = !done && Date.now() + options.intervalSeconds * 1000 > deadline;
    if (options.json && (done || timedOut)) io.out(JSON.stringify({ ...status, schemaVersion: CLI_SCHEMA_VERSION }, null, 2));
    else if (!options.json && line !== last) io.err(line);
    last = line;
    if (status.verdict === "ready") return 0;
    if (done) return 1;
    if (timedOut) {
      io.err(`timed out after ${options.timeoutSeconds} s: ${line}`);
      return 2;
    }
    await sleep(options.intervalSeconds * 1000);
  }
}
