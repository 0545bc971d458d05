import { describe, expect, it } from "vitest";
import { handleOrphans } from "../../app/handleOrphans";
import type { HandleOrphansOptions } from "../../app/handleOrphans";
import { listConnections } from "../../shared/azure/connections";
import type { OrphanCandidate } from "../../shared/orphans";
import { BATCH, STORAGE, SUB, endpointId, useEmulator } from "../shared/azure/fixture";

const GONE = endpointId("pe-deleted-long-ago");

describe("handleOrphans against the emulator", () => {
  const fx = useEmulator(100);
  const lines: string[] = [];
  const run = (candidates: OrphanCandidate[], options: Partial<HandleOrphansOptions> = {}) => {
    lines.length = 0;
    return handleOrphans(fx.clients, candidates, { action: "remove", dryRun: false, concurrency: 4, updateIntervalInMs: 5, log: (line) => lines.push(line), ...options });
  };
  const connectionTo = async (resourceId: string, endpointName: string) => {
    const found = (await listConnections(fx.clients, resourceId)).find((c) => c.privateEndpointId.endsWith(`/${endpointName}`));
    if (found === undefined) throw new Error(`no connection from ${endpointName}`);
    return found.id;
  };
  const exists = async (connectionId: string) => fx.emulator.control.snapshot().connections.some((c) => c.id === connectionId);
  const operations = () => Object.keys(fx.emulator.control.counters().operations);

  it("confirms a gone endpoint with one GET (404) before removing the connection, and logs the removal with its reason", async () => {
    const connectionId = await connectionTo(STORAGE, "pe-blob");
    fx.emulator.control.resetCounters();
    const entries = await run([{ connectionId, endpointId: GONE, suspicion: "endpointNotListed" }]);
    expect(entries).toEqual([{ connectionId, endpointId: GONE, reason: "endpointGone", outcome: "removed", detail: "its private endpoint is gone (a GET of it answered 404)" }]);
    expect(await exists(connectionId)).toBe(false);
    expect(fx.emulator.control.counters().operations["GET privateEndpoints:get"]).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^remove stacct\/pe-blob\.\S+ from pe-deleted-long-ago \(orphaned: its private endpoint is gone \(a GET of it answered 404\)\)$/)]);
  });

  it("drops a suspect whose endpoint answers the GET (created after the list), and removes a Disconnected one without any GET", async () => {
    const present = await connectionTo(STORAGE, "pe-file");
    const disconnected = await connectionTo(BATCH, "pe-batch");
    fx.emulator.control.resetCounters();
    const entries = await run([
      { connectionId: present, endpointId: endpointId("pe-file"), suspicion: "endpointNotListed" },
      { connectionId: disconnected, endpointId: GONE, suspicion: "disconnected" },
    ]);
    expect(entries).toEqual([{ connectionId: disconnected, endpointId: GONE, reason: "disconnected", outcome: "removed", detail: "its status is Disconnected" }]);
    expect(await exists(present)).toBe(true);
    expect(await exists(disconnected)).toBe(false);
    expect(fx.emulator.control.counters().operations["GET privateEndpoints:get"]).toBe(1);
  });

  it("reports without removing under report, and in a dry run says it would remove, sending no DELETE", async () => {
    const connectionId = await connectionTo(STORAGE, "pe-blob");
    const candidate: OrphanCandidate = { connectionId, endpointId: GONE, suspicion: "endpointOutsideScope" };
    fx.emulator.control.resetCounters();
    expect(await run([candidate], { action: "report" })).toEqual([expect.objectContaining({ reason: "endpointGone", outcome: "reported" })]);
    expect(lines).toEqual([expect.stringMatching(/^orphan stacct\/pe-blob\.\S+ from pe-deleted-long-ago \(orphaned: /)]);
    expect(await run([candidate], { dryRun: true })).toEqual([expect.objectContaining({ reason: "endpointGone", outcome: "wouldRemove" })]);
    expect(lines).toEqual([expect.stringMatching(/^remove stacct\/pe-blob\.\S+ from pe-deleted-long-ago \(orphaned: .*\) \[dry run\]$/)]);
    expect(operations().filter((o) => o.startsWith("DELETE"))).toEqual([]);
    expect(await exists(connectionId)).toBe(true);
  });

  it("cannot tell when the endpoint's GET answers anything but 404 (403, 503): reports it, never removes it", async () => {
    const connectionId = await connectionTo(STORAGE, "pe-blob");
    for (const status of [403, 503] as const) {
      fx.emulator.control.clearFaults();
      fx.emulator.control.injectFault({ method: "GET", path: "/privateEndpoints/", probability: 1, action: { type: "error", status } });
      const entries = await run([{ connectionId, endpointId: GONE, suspicion: "endpointNotListed" }], { concurrency: 1 });
      expect(entries).toEqual([expect.objectContaining({ reason: "endpointUnknown", outcome: "reported", detail: expect.stringContaining(String(status)) })]);
    }
    fx.emulator.control.clearFaults();
    expect(operations().filter((o) => o.startsWith("DELETE"))).toEqual([]);
    expect(await exists(connectionId)).toBe(true);
  });

  it("reports a refused delete as failed with the error, and a delete whose status poll was refused as removed (the connection is gone)", async () => {
    const refused = await connectionTo(STORAGE, "pe-blob");
    fx.emulator.control.injectFault({ method: "DELETE", path: "/storageAccounts/", sequence: [{ type: "error", status: 403 }] });
    expect(await run([{ connectionId: refused, endpointId: GONE, suspicion: "disconnected" }])).toEqual([
      expect.objectContaining({ outcome: "failed", error: expect.stringContaining("Microsoft.Storage/storageAccounts/privateEndpointConnections/delete") }),
    ]);
    expect(lines).toEqual([expect.stringMatching(/^remove stacct\/pe-blob\.\S+ from pe-deleted-long-ago \(orphaned: its status is Disconnected\) failed: .*403/)]);
    expect(await exists(refused)).toBe(true);

    const polled = await connectionTo(BATCH, "pe-batch");
    fx.emulator.control.injectFault({ method: "GET", path: `^/subscriptions/${SUB}/providers/Microsoft\\.Batch/locations/`, probability: 1, action: { type: "error", status: 403 } });
    expect(await run([{ connectionId: polled, endpointId: GONE, suspicion: "disconnected" }])).toEqual([expect.objectContaining({ outcome: "removed" })]);
    expect(await exists(polled)).toBe(false);
    expect(operations()).toContain("DELETE batchAccounts/privateEndpointConnections:delete");
  });
});
