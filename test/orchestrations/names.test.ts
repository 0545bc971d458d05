import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instanceIdFor, keyOfRunId, runIdFor } from "../../orchestrations/names";

const PE = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-batch";

describe("instanceIdFor", () => {
  it("gives one endpoint the same instance id whatever the casing of its id", () => {
    expect(instanceIdFor("endpoint", PE)).toBe(instanceIdFor("endpoint", PE.toUpperCase().replace("SUBSCRIPTIONS", "subscriptions")));
    expect(instanceIdFor("endpoint", PE)).toMatch(/^endpoint-pe-batch-[0-9a-f]{20}$/);
  });

  it("gives different keys different instance ids", () => {
    expect(instanceIdFor("endpoint", PE)).not.toBe(instanceIdFor("endpoint", `${PE}2`));
    expect(instanceIdFor("endpoint", PE)).not.toBe(instanceIdFor("resource", PE));
  });

  it("makes ids the durable backends accept: no '/', '\\\\', '#', '?', and short", () => {
    // Names ARM allows; parseResourceId refuses '#', '?', '\\', '%' and '.'/'..' before an id gets here.
    const name = fc.stringMatching(/^[A-Za-z0-9._()~* -]{1,80}$/).filter((n) => n.trim() !== "" && n !== "." && n !== "..");
    fc.assert(
      fc.property(name, (name) => {
        const id = instanceIdFor("resource", `/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`);
        expect(id).not.toMatch(/[/\\#?]/);
        for (const runId of [runIdFor(id, new Date()), runIdFor(id, new Date(), { dryRun: true })]) {
          expect(runId).not.toMatch(/[/\\#?]/);
          expect(runId.length).toBeLessThanOrEqual(100);
          expect(keyOfRunId(runId)).toBe(id);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("runIdFor", () => {
  it("gives every run of a key an id of its own: the key and the start time", () => {
    const key = instanceIdFor("endpoint", PE);
    expect(runIdFor(key, new Date("2026-11-30T18:39:46.123Z"))).toBe(`${key}_20261130T183946123Z`);
    expect(runIdFor(key, new Date("2026-11-30T18:39:46.124Z"))).not.toBe(runIdFor(key, new Date("2026-11-30T18:39:46.123Z")));
    expect(runIdFor(key, new Date(0), { dryRun: true })).toMatch(new RegExp(`^${key}_19700101T000000000Z-dry-[0-9a-f]{4}$`));
  });
});
