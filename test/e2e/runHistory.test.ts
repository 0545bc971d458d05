import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunReport } from "../../orchestrations/runReport";
import type { RunsPage } from "../../functions/runHistory";
import { SPOKE, startStack } from "./stack";
import type { Stack } from "./stack";

const BATCH = `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`;
const DAY = 86_400_000;

async function startRun(stack: Stack, scope: unknown): Promise<string> {
  const started = await stack.post("/api/runs", { scope });
  expect(started.status).toBe(202);
  await stack.settle();
  return (started.body as { id: string }).id;
}

async function runs(stack: Stack, query: string): Promise<RunsPage> {
  const answer = await stack.get(`/api/runs?${query}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as RunsPage;
}

describe("the run history (local host + ARM emulator)", () => {
  let stack: Stack;
  let endpointId: string;

  beforeAll(async () => {
    stack = await startStack({ eventsOff: true });
    endpointId = stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-history", targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true }).id;
  });
  afterAll(async () => {
    await stack?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps every run for a key: two runs, both readable by id and both listed for the key, newest first", async () => {
    const first = await startRun(stack, { endpointId });
    const second = await startRun(stack, { endpointId });
    expect(first).not.toBe(second);
    for (const id of [first, second]) {
      expect(id.length).toBeLessThanOrEqual(100);
      const answer = await stack.get(`/api/runs/${id}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ instanceId: id, runtimeStatus: "Completed", report: { kind: "endpoint", target: endpointId } });
    }
    const firstReport = ((await stack.get(`/api/runs/${first}`)).body as { report: RunReport }).report;
    expect(firstReport.decisions.map((d) => d.outcome)).toEqual(["approved"]);
    expect(firstReport.dns.created.length).toBeGreaterThan(0);
    const secondReport = ((await stack.get(`/api/runs/${second}`)).body as { report: RunReport }).report;
    expect(secondReport.decisions).toEqual([]);
    expect(secondReport.dns.created).toEqual([]);

    const listed = await runs(stack, `key=${encodeURIComponent(endpointId)}`);
    expect(listed.runs.map((r) => r.id)).toEqual([second, first]);
    expect(listed.runs[1]).toMatchObject({ kind: "endpoint", runtimeStatus: "Completed", dryRun: false, target: endpointId, decisions: 1, errors: 0 });
    // The key itself filters the same, and opens the latest run.
    expect((await runs(stack, `key=${listed.runs[0]?.key ?? ""}`)).runs.map((r) => r.id)).toEqual([second, first]);
    expect((await stack.get(`/api/runs/${listed.runs[0]?.key ?? ""}`)).body).toMatchObject({ instanceId: second });
    // The log's run summaries (what docs/operations.md's KQL selects) name the same run ids.
    const summaries = stack.logs.filter((l) => /(endpoint|resource|sweep) run( \(dry run\))?: \d+ decisions/.test(l.message)).map((l) => l.message);
    for (const id of [first, second]) expect(summaries.some((m) => m.startsWith("endpoint run: ") && m.endsWith(` run=${id} resource=${endpointId.toLowerCase()}`))).toBe(true);
  });

  it("filters by kind, status, since, errors and changes, and pages with a continuation token", async () => {
    await startRun(stack, "all");
    const sweeps = await runs(stack, "kind=sweep");
    expect(sweeps.runs.length).toBeGreaterThanOrEqual(1);
    expect(sweeps.runs.every((r) => r.kind === "sweep")).toBe(true);
    const endpoints = await runs(stack, "kind=endpoint&status=completed");
    expect(endpoints.runs.length).toBeGreaterThanOrEqual(2);
    expect(endpoints.runs.every((r) => r.kind === "endpoint" && r.runtimeStatus === "Completed")).toBe(true);
    expect((await runs(stack, `since=${new Date(Date.now() + DAY).toISOString()}`)).runs).toEqual([]);
    const changed = await runs(stack, `hasChanges=true&key=${encodeURIComponent(endpointId)}`);
    expect(changed.runs).toHaveLength(1);
    expect((await runs(stack, `hasChanges=false&key=${encodeURIComponent(endpointId)}`)).runs).toHaveLength(1);
    expect((await runs(stack, "hasErrors=true")).runs).toEqual([]);

    const all = (await runs(stack, "")).runs.map((r) => r.id);
    const paged: string[] = [];
    let token: string | undefined;
    do {
      const page: RunsPage = await runs(stack, `top=1${token !== undefined ? `&continuationToken=${token}` : ""}`);
      expect(page.runs.length).toBeLessThanOrEqual(1);
      paged.push(...page.runs.map((r) => r.id));
      token = page.continuationToken;
    } while (token !== undefined);
    expect(paged).toEqual(all);
    expect(all.length).toBeGreaterThanOrEqual(3);
  });

  it("answers a bad query with 400 and what was wrong", async () => {
    for (const [query, message] of [
      ["kind=vm", /kind: expected endpoint, resource, sweep/],
      ["since=yesterday", /since: expected an ISO 8601 time/],
      ["status=Done", /status: expected/],
      ["top=0", /top: expected a whole number/],
      ["hasErrors=yes", /hasErrors: expected true or false/],
      ["continuationToken=xyz", /continuationToken/],
      ["key=/subscriptions/x/../y", /Invalid ARM resource id/],
      ["owner=me", /owner: unknown parameter/],
    ] as const) {
      const answer = await stack.get(`/api/runs?${query}`);
      expect(answer.status, query).toBe(400);
      expect(JSON.stringify(answer.body), query).toMatch(message);
    }
  });

  it("answers a start with the run's id and where to read it, and nothing of Durable's management API", async () => {
    const started = await stack.post("/api/runs", { scope: { endpointId }, dryRun: true });
    expect(started.status).toBe(202);
    const body = started.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["action", "dryRun", "id", "key", "statusUrl"]);
    expect(body).toMatchObject({ action: "started", dryRun: true, statusUrl: `${stack.host.url}/api/runs/${String(body["id"])}` });
    expect(JSON.stringify(body).length).toBeLessThan(400);
    await stack.settle();
    const status = await fetch(String(body["statusUrl"]));
    expect(((await status.json()) as { report: RunReport }).report).toMatchObject({ schemaVersion: 1, dryRun: true, target: endpointId });
  });

  it("purges runs older than the retention (30 days by default) on the timer, and keeps younger ones", async () => {
    const before = (await runs(stack, "")).runs.map((r) => r.id);
    expect(before.length).toBeGreaterThanOrEqual(3);
    // 29 days on: the timer's purge keeps every run.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 29 * DAY });
    await stack.host.runTimer("driftSweepTimer");
    await stack.settle();
    vi.useRealTimers();
    const after29 = (await runs(stack, "")).runs.map((r) => r.id);
    expect(after29).toEqual(expect.arrayContaining(before));
    const sweep29 = after29.find((id) => !before.includes(id));
    expect(sweep29).toBeDefined();

    // 31 days on: the runs from before are purged; the sweep of "29 days on" is 2 days old and stays.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31 * DAY });
    await stack.host.runTimer("driftSweepTimer");
    await stack.settle();
    vi.useRealTimers();
    const after31 = (await runs(stack, "")).runs.map((r) => r.id);
    for (const id of before) {
      expect(after31).not.toContain(id);
      expect((await stack.get(`/api/runs/${id}`)).status).toBe(404);
    }
    expect(after31).toContain(sweep29);
    expect(stack.logs.some((l) => /run history: purged \d+ run\(s\) created before .* \(retention 30 days\)/.test(l.message))).toBe(true);
  });
});

describe("one run per key at a time (local host + ARM emulator)", () => {
  let stack: Stack;
  afterAll(async () => {
    await stack?.close();
  });

  it("runs once more, under an id of its own, for requests that arrive during a run, and never two runs of a key at once", async () => {
    stack = await startStack({ eventsOff: true });
    const endpointId = stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-busy", targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true }).id;
    const first = await stack.post("/api/runs", { scope: { endpointId } });
    const more = await Promise.all(Array.from({ length: 5 }, () => stack.post("/api/runs", { scope: { endpointId } })));
    expect(first.body).toMatchObject({ action: "started" });
    expect(more.map((m) => (m.body as { action: string }).action)).toContain("nudged");
    await stack.settle();

    const listed = (await runs(stack, `key=${encodeURIComponent(endpointId)}`)).runs.reverse();
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(listed[0]?.id).toBe((first.body as { id: string }).id);
    for (const [i, run] of listed.entries()) {
      const report = ((await stack.get(`/api/runs/${run.id}`)).body as { report: RunReport }).report;
      const previous = listed[i - 1];
      if (previous === undefined) continue;
      // Each run starts after the one before it finished, and says why it ran.
      expect(run.createdTime >= previous.lastUpdatedTime).toBe(true);
      if (report.rounds > 1) expect(report.notes).toContain(`started by: events that arrived during ${previous.id}`);
    }
    expect(listed.filter((r) => r.decisions === 1)).toHaveLength(1);
  });
});
