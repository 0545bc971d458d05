import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LogEntry } from "@privatelink-autopilot/functions-local-host";
import { parseRunLog } from "../../orchestrations/runLog";
import type { RunLogLine } from "../../orchestrations/runLog";
import { emptyEstate, OWNER, SPOKE, startStack, UNKNOWN } from "./stack";
import type { Stack } from "./stack";

const BATCH = `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`;
const STORAGE = `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
const HUB_DNS = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones";

interface AppLine {
  entry: LogEntry;
  line: RunLogLine;
}

/** The lines the app's own code wrote (the host's and the durable runner's lines carry a category). */
function appLines(logs: readonly LogEntry[]): LogEntry[] {
  return logs.filter((l) => l.category === undefined && l.functionName !== undefined);
}

/**
 * Checks that every app line is in the run-log shape, that an orchestrator's or activity's line names
 * the instance it ran in, and that a starter's line names an instance that really ran. Lines about no
 * run are only the events the app ignored. Returns the parsed lines.
 */
function expectRunLogLines(logs: readonly LogEntry[]): AppLine[] {
  const instances = new Set(logs.map((l) => l.instanceId).filter((id): id is string => id !== undefined));
  const lines = appLines(logs).map((entry) => ({ entry, line: parseRunLog(entry.message) }));
  expect(lines.filter((l) => l.line === undefined).map((l) => l.entry.message)).toEqual([]);
  const parsed = lines as AppLine[];
  for (const { entry, line } of parsed) {
    expect(entry.message).toMatch(/ run=\S+ resource=\S+$/);
    // One case form for resource ids, so one grep finds every line about a resource.
    expect(line.resourceId, entry.message).toBe(line.resourceId?.toLowerCase());
    if (line.runId === undefined) {
      expect({ functionName: entry.functionName, level: entry.level, text: line.text }).toEqual({ functionName: "onArmEvent", level: "debug", text: expect.stringMatching(/^ignored event /) });
      expect(line.resourceId).toBeDefined();
    } else if (entry.instanceId !== undefined) {
      expect(line.runId, entry.message).toBe(entry.instanceId);
    } else {
      expect([...instances], entry.message).toContain(line.runId);
    }
  }
  return parsed;
}

const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

describe("run log lines through the local host", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ estate: await emptyEstate() });
  });
  afterAll(async () => {
    await stack.close();
  });
  beforeEach(async () => {
    await stack.reseed(await emptyEstate());
    await stack.settle();
    stack.logs.length = 0;
  });

  it("tags every line of an event-driven run with its instance id and the resource it is about", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-batch", targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true });
    await stack.settle();
    stack.emulator.control.deletePrivateEndpoint(endpoint.id);
    await stack.settle();

    const lines = expectRunLogLines(stack.logs);
    const byFunction = (name: string) => lines.filter((l) => l.entry.functionName === name && l.line.runId !== undefined);
    // Every run's line names a resource: the endpoint, its connection, or the record's endpoint.
    expect(lines.filter((l) => l.line.runId !== undefined && l.line.resourceId === undefined).map((l) => l.entry.message)).toEqual([]);

    const started = byFunction("onArmEvent");
    expect(started.length).toBeGreaterThan(0);
    expect(started.some((l) => same(l.line.resourceId, endpoint.id) && / -> started /.test(l.line.text))).toBe(true);
    // The evaluation is DEBUG; the approval is one INFO line, written when it is carried out.
    const decision = byFunction("evaluateEndpoint").find((l) => l.line.text.startsWith("approve "));
    expect(decision?.entry.level).toBe("debug");
    expect(decision?.line.resourceId).toMatch(new RegExp(`^${BATCH}/privateEndpointConnections/`, "i"));
    const approvals = byFunction("setConnectionState").filter((l) => l.entry.level === "information");
    expect(approvals.map((l) => l.line.text)).toEqual([expect.stringMatching(/^approve batchprod\/\S+ from pe-batch \(rule platform-subscriptions: /)]);
    const recordLines = byFunction("reconcileDns").filter((l) => /^(create|delete) /.test(l.line.text));
    expect(recordLines.map((l) => l.line.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^create A batchprod\.eastus\.\S+ [\d.]+ \(pe-batch\)$/), expect.stringMatching(/^delete A batchprod\.eastus\.\S+ [\d.]+ \(pe-batch\)$/)]),
    );
    for (const l of recordLines) expect(same(l.line.resourceId, endpoint.id), l.entry.message).toBe(true);
    expect(byFunction("reconcileEndpoint").some((l) => same(l.line.resourceId, endpoint.id) && /^endpoint run/.test(l.line.text))).toBe(true);
  });

  it("writes a run that changed nothing at DEBUG, and a run that changed something at INFO, each in one summary line", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-batch", targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true });
    await stack.settle();
    const first = expectRunLogLines(stack.logs).filter((l) => / run(?: \(dry run\))?: /.test(l.line.text));
    expect(first.some((l) => l.entry.level === "information" && same(l.line.resourceId, endpoint.id))).toBe(true);
    stack.logs.length = 0;

    const { instanceId } = await stack.run({ endpointId: endpoint.id });
    const summaries = expectRunLogLines(stack.logs).filter((l) => l.line.runId === instanceId && /^endpoint run: /.test(l.line.text));
    expect(summaries.map((l) => [l.entry.level, l.line.text])).toEqual([["debug", expect.stringMatching(/^endpoint run: 0 decisions; changed 0 created, 0 updated, 0 deleted; /)]]);
  });

  it("tags every line of a drift sweep, its decisions and its record batches with their instance ids", async () => {
    // Drift the sweep must find: a stranger's connection whose events were lost, and a stale owned record.
    stack.emulator.control.setEventChaos({ dropProbability: 1 });
    stack.emulator.control.createPrivateEndpoint({ subscriptionId: UNKNOWN, resourceGroup: "rg-rogue", name: "pe-rogue", targetResourceId: STORAGE, groupIds: ["blob"], manual: true });
    const gone = `/subscriptions/${SPOKE}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/pe-long-gone`;
    const zoneId = `${HUB_DNS}/privatelink.blob.core.windows.net`;
    stack.emulator.control.putRecordSet({ zoneId, type: "A", name: "stale", ipv4Addresses: ["10.20.1.99"], metadata: { managedBy: "privatelink-autopilot", owner: OWNER, endpointId: gone.toLowerCase() } });
    await stack.settle();
    stack.emulator.control.clearEventChaos();

    await stack.host.runTimer("driftSweepTimer");
    await stack.settle();
    const { instanceId: subscriptionSweep } = await stack.run({ subscriptionId: SPOKE }, true);

    const lines = expectRunLogLines(stack.logs);
    const ofRun = (id: string) => lines.filter((l) => l.line.runId === id || l.line.runId?.startsWith(`${id}:`));
    const timer = lines.find((l) => l.entry.functionName === "driftSweepTimer");
    expect(timer?.line.text).toMatch(/^drift sweep started: /);
    const sweepId = timer?.line.runId ?? "";
    const sweep = ofRun(sweepId);
    // The sweep and its shard (which reads, decides and applies in process) log under the sweep's id; it starts no child runs.
    expect(new Set(sweep.map((l) => l.entry.functionName))).toEqual(new Set(["driftSweepTimer", "driftSweep", "sweepScope"]));
    expect(lines.some((l) => l.line.runId?.startsWith(`${sweepId}:`))).toBe(false);
    // Lines about the whole scope name no resource; every other line (a decision, a record) does.
    const isDecision = (l: (typeof sweep)[number]) => /^(approve|reject|leave) /.test(l.line.text);
    for (const l of sweep) {
      const wholeScope = ["driftSweepTimer", "driftSweep"].includes(l.entry.functionName ?? "") || /^sweep read /.test(l.line.text);
      expect(l.line.resourceId === undefined, l.entry.message).toBe(wholeScope);
    }
    // One line per rejection, written when it is carried out.
    const rejections = sweep.filter((l) => /^reject /.test(l.line.text));
    expect(rejections.map((l) => l.line)).toEqual([
      { runId: sweepId, resourceId: expect.stringMatching(new RegExp(`^${STORAGE}/privateEndpointConnections/`, "i")), text: expect.stringMatching(/^reject stdata\/\S+ from pe-rogue \(rule unknown-subscriptions: /) },
    ]);
    expect(sweep.find((l) => /^delete /.test(l.line.text))?.line).toMatchObject({ resourceId: gone.toLowerCase(), text: expect.stringMatching(/^delete A stale\.privatelink\.blob\.core\.windows\.net 10\.20\.1\.99 \(pe-long-gone\)$/) });

    // A sweep of one subscription names it as the resource of every line.
    const oneSubscription = ofRun(subscriptionSweep);
    expect(oneSubscription.map((l) => l.entry.functionName)).toEqual(expect.arrayContaining(["startRun", "driftSweep", "sweepScope"]));
    // ... but a decision's line, which names its connection.
    for (const l of oneSubscription.filter((x) => !isDecision(x))) expect(l.line.resourceId, l.entry.message).toBe(`/subscriptions/${SPOKE}`);
  });
});
