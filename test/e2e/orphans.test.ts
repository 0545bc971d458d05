/**
 * The seeds' orphan case end to end (local host + ARM emulator): a Batch account moved to another resource
 * group keeps the connection of an endpoint deleted after the move. The sweep reports it; under
 * `orphanedConnections: remove` a dry run only says it would remove it, a live run removes it, and the
 * next sweep finds nothing. A connection whose endpoint cannot be read is never removed.
 */
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main";
import { createArmClients, StaticTokenCredential } from "../../shared/azure/clients";
import type { OrphanEntry, RunReport } from "../../orchestrations/runReport";
import { emptyEstate, SPOKE, startStack, TEST_POLICY, UNKNOWN } from "./stack";
import type { Stack } from "./stack";

const BATCH = `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`;
const MOVED = BATCH.replace("/rg-batch/", "/rg-data/");
const DELETES = /^DELETE batchAccounts\/privateEndpointConnections/;

interface Orphan {
  endpointId: string;
  connectionId: string;
}

describe("orphaned connections: a moved Batch account keeps the connection of a deleted endpoint", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ estate: await emptyEstate() });
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(async () => {
    await stack.reseed(await emptyEstate());
    await writeFile(stack.policyFile, TEST_POLICY);
  });

  /** Approved endpoints to the account (name and subscription), then the account moved to rg-data, then the endpoints deleted. */
  async function orphansOnMovedAccount<N extends [string, string][]>(...endpoints: N): Promise<{ [K in keyof N]: Orphan }> {
    const created = endpoints.map(([name, subscriptionId]) =>
      stack.emulator.control.createPrivateEndpoint({ subscriptionId, resourceGroup: subscriptionId === SPOKE ? "rg-endpoints" : "rg-rogue", name, targetResourceId: BATCH, groupIds: ["batchAccount"], manual: false }),
    );
    await stack.settle();
    const clients = createArmClients({ endpoint: stack.emulator.url, credential: new StaticTokenCredential(), ca: stack.emulator.ca });
    await clients.resources(SPOKE).resources.beginMoveResourcesAndWait("rg-batch", { resources: [BATCH], targetResourceGroup: `/subscriptions/${SPOKE}/resourceGroups/rg-data` }, { updateIntervalInMs: 5 });
    for (const endpoint of created) expect(stack.emulator.control.deletePrivateEndpoint(endpoint.id)).toBe(true);
    await stack.settle();
    return created.map((endpoint) => {
      const left = connectionsOn(MOVED).find((c) => c.endpointId.toLowerCase() === endpoint.id.toLowerCase());
      expect(left, "the connection stays on the moved account").toBeDefined();
      return { endpointId: endpoint.id, connectionId: left?.id ?? "" };
    }) as { [K in keyof N]: Orphan };
  }

  function connectionsOn(resourceId: string) {
    return stack.emulator.control.snapshot().connections.filter((c) => c.id.toLowerCase().startsWith(`${resourceId.toLowerCase()}/`));
  }

  async function sweep(dryRun = false): Promise<{ report: RunReport; text: string; lines: string[] }> {
    const seen = stack.logs.length;
    const run = await stack.run("all", dryRun);
    expect(run.runtimeStatus).toBe("Completed");
    const text = String((await stack.get(`/api/runs/${run.instanceId}?format=text`)).body);
    return { report: run.report as unknown as RunReport, text, lines: stack.logs.slice(seen).map((l) => l.message) };
  }

  const deletesSeen = () => Object.entries(stack.emulator.control.counters().operations).filter(([op]) => DELETES.test(op)).reduce((n, [, count]) => n + count, 0);

  it("is reported by the sweep (report, the default), removed under remove after a dry run that only says so, and gone from the next sweep", async () => {
    const [{ connectionId, endpointId }] = await orphansOnMovedAccount(["pe-batch-moved", SPOKE]);
    stack.emulator.control.resetCounters();
    const gone: Partial<OrphanEntry> = { connectionId, endpointId, reason: "endpointGone" };

    const reported = await sweep();
    expect(reported.report.errors).toEqual([]);
    expect(reported.report.orphanedConnections).toEqual([expect.objectContaining({ ...gone, outcome: "reported" })]);
    expect(reported.lines).toContainEqual(expect.stringMatching(/^orphan batchprod\/\S+ from pe-batch-moved \(orphaned: its private endpoint is gone \(a GET of it answered 404\)\) run=/));
    expect(reported.text).toMatch(/; 1 orphaned connection \(1 reported\); \d+ conflicts?; 0 errors\n/);
    expect(reported.text).toMatch(/\norphaned connections \(1\):\n {2}orphan +batchprod\/\S+ {2}from pe-batch-moved \(endpointGone\): /);

    // The CLI's plan (the same dry-run sweep): an orphan only reported is no pending change.
    expect(await runCli(["plan", "--detailed-exitcode"], process.env, { out: () => undefined, err: () => undefined })).toBe(0);

    await writeFile(stack.policyFile, `${TEST_POLICY}\norphanedConnections: remove\n`);
    const dry = await sweep(true);
    expect(dry.report.orphanedConnections).toEqual([expect.objectContaining({ ...gone, outcome: "wouldRemove" })]);
    expect(dry.lines).toContainEqual(expect.stringMatching(/^remove batchprod\/\S+ from pe-batch-moved \(orphaned: .*\) \[dry run\] run=/));
    expect(dry.text).toMatch(/\n {2}would remove +batchprod\/\S+ {2}from pe-batch-moved /);
    expect(deletesSeen()).toBe(0);
    expect(connectionsOn(MOVED).map((c) => c.id)).toEqual([connectionId]);
    // Under remove, plan lists it as one it would remove: a pending change.
    const out: string[] = [];
    expect(await runCli(["plan", "--detailed-exitcode"], process.env, { out: (l) => out.push(l), err: () => undefined })).toBe(2);
    expect(out.join("\n")).toMatch(/\nOrphaned connections \(1; policy orphanedConnections: remove\):\n.*\n\s*wouldRemove\s+endpointGone\s+\/subscriptions\/\S+\/rg-data\/\S+batchprod\/privateEndpointConnections\/pe-batch-moved/);
    expect(deletesSeen()).toBe(0);

    const live = await sweep();
    expect(live.report.errors).toEqual([]);
    expect(live.report.orphanedConnections).toEqual([expect.objectContaining({ ...gone, outcome: "removed" })]);
    expect(live.lines).toContainEqual(expect.stringMatching(/^remove batchprod\/\S+ from pe-batch-moved \(orphaned: its private endpoint is gone \(a GET of it answered 404\)\) run=/));
    expect(deletesSeen()).toBe(1);
    expect(connectionsOn(MOVED)).toEqual([]);

    // A healthy connection whose endpoint the sweep listed costs no request of its own.
    stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-healthy", targetResourceId: MOVED, groupIds: ["batchAccount"], manual: false });
    await stack.settle();
    stack.emulator.control.resetCounters();
    const after = await sweep();
    expect(after.report.orphanedConnections).toEqual([]);
    expect(connectionsOn(MOVED)).toHaveLength(1);
    expect(stack.emulator.control.counters().operations["GET privateEndpoints:get"] ?? 0).toBe(0);
    expect(after.text).not.toMatch(/orphan/);
  });

  it("never removes a connection whose endpoint cannot be read: outside the scope and refused (403), or in a subscription whose list failed", async () => {
    await writeFile(stack.policyFile, `${TEST_POLICY}\norphanedConnections: remove\n`);
    const [outside, inScope] = await orphansOnMovedAccount(["pe-stranger", UNKNOWN], ["pe-unlisted", SPOKE]);
    stack.emulator.control.resetCounters();
    // Outside the scope (the stranger's subscription): the GET of the endpoint is refused.
    stack.emulator.control.injectFault({ method: "GET", path: `/subscriptions/${UNKNOWN}/`, probability: 1, action: { type: "error", status: 403 } });
    // In the scope, but the subscription's endpoints could not be listed: not suspected at all.
    stack.emulator.control.injectFault({ method: "GET", path: `^/subscriptions/${SPOKE}/providers/Microsoft\\.Network/privateEndpoints$`, probability: 1, action: { type: "error", status: 403 } });
    const { report, lines } = await sweep();
    stack.emulator.control.clearFaults();

    expect(report.orphanedConnections).toEqual([
      expect.objectContaining({ connectionId: outside.connectionId, reason: "endpointUnknown", outcome: "reported", detail: expect.stringMatching(/^cannot tell whether its private endpoint is gone, so it is not removed: .*403/) }),
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^orphan batchprod\/\S+ from pe-stranger \(orphaned: cannot tell/));
    expect(report.errors).toContainEqual(expect.objectContaining({ target: `/subscriptions/${SPOKE}`, status: 403 }));
    expect(deletesSeen()).toBe(0);
    expect(connectionsOn(MOVED).map((c) => c.id).sort()).toEqual([outside.connectionId, inScope.connectionId].sort());

    // Once both endpoints can be read (the stranger's GET answers 404 too), the next sweep removes both.
    const readable = await sweep();
    expect(readable.report.orphanedConnections?.map((o) => [o.connectionId, o.reason, o.outcome]).sort()).toEqual(
      [outside, inScope].map((o) => [o.connectionId, "endpointGone", "removed"]).sort(),
    );
    expect(connectionsOn(MOVED)).toEqual([]);
  });
});
