import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchesOf } from "../../orchestrations/batchesOf";
import type { DnsChanges } from "../../shared/dns/plan";
import { dnsRecord } from "../shared/dns/helpers";

const record = (i: number) => dnsRecord("privatelink.blob.core.windows.net", `r${i}`, { endpoint: `pe-${i}` });

describe("batchesOf", () => {
  it("applies every delete before any update, and every update before any create", () => {
    const changes: DnsChanges = {
      create: [record(1), record(2), record(3)],
      update: [{ before: record(4), after: record(4) }],
      delete: [record(5), record(6)],
      conflicts: [],
      unchanged: [],
    };
    const waves = batchesOf(changes, 2);
    expect(waves.map((w) => w.map((b) => [b.delete.length, b.update.length, b.create.length]))).toEqual([[[2, 0, 0]], [[0, 1, 0]], [[0, 0, 2], [0, 0, 1]]]);
  });

  it("keeps every change exactly once and no batch above the size", () => {
    fc.assert(
      fc.property(fc.nat(40), fc.nat(40), fc.nat(40), fc.integer({ min: 1, max: 15 }), (creates, updates, deletes, size) => {
        const changes: DnsChanges = {
          create: Array.from({ length: creates }, (_, i) => record(i)),
          update: Array.from({ length: updates }, (_, i) => ({ before: record(i), after: record(i) })),
          delete: Array.from({ length: deletes }, (_, i) => record(i)),
          conflicts: [],
          unchanged: [],
        };
        const batches = batchesOf(changes, size).flat();
        expect(batches.flatMap((b) => b.create)).toEqual(changes.create);
        expect(batches.flatMap((b) => b.update)).toEqual(changes.update);
        expect(batches.flatMap((b) => b.delete)).toEqual(changes.delete);
        for (const b of batches) expect(b.create.length + b.update.length + b.delete.length).toBeLessThanOrEqual(size);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses a batch size below one", () => {
    expect(() => batchesOf({ create: [], update: [], delete: [], conflicts: [], unchanged: [] }, 0)).toThrow(RangeError);
  });
});
