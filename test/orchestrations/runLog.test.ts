import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRunLog, runLog } from "../../orchestrations/runLog";

const PE = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-batch";

/** What KQL's `parse Message with text " run=" runId " resource=" resourceId` extracts (text up to the first " run=", the last column to the end). */
function kqlParse(message: string): { runId: string; resourceId: string; text: string } | undefined {
  const a = message.indexOf(" run=");
  if (a < 0) return undefined;
  const rest = message.slice(a + " run=".length);
  const b = rest.indexOf(" resource=");
  if (b < 0) return undefined;
  return { text: message.slice(0, a), runId: rest.slice(0, b), resourceId: rest.slice(b + " resource=".length) };
}

describe("runLog", () => {
  it("writes the message first and the run and resource ids in a trailing key=value part", () => {
    expect(runLog("endpoint-pe-batch-0123456789abcdef0123", PE, "approve batchprod/conn-1")).toBe(`approve batchprod/conn-1 run=endpoint-pe-batch-0123456789abcdef0123 resource=${PE.toLowerCase()}`);
  });

  it("writes a resource id in one case form, so one grep finds every line about it", () => {
    expect(runLog("r", PE, "x")).toBe(runLog("r", PE.toUpperCase(), "x"));
    expect(parseRunLog(runLog("r", PE, "x"))?.resourceId).toBe(PE.toLowerCase());
  });

  it("keeps the run id as it is (durable instance ids are case-sensitive)", () => {
    expect(parseRunLog(runLog("Sweep-AB", undefined, "x"))?.runId).toBe("Sweep-AB");
  });

  it("writes ' run:' where a message says ' run=', so KQL and parseRunLog split the line alike", () => {
    const line = runLog("r1", undefined, "policy says run=now");
    expect(line).toBe("policy says run:now run=r1 resource=-");
    expect(kqlParse(line)).toEqual({ text: "policy says run:now", runId: "r1", resourceId: "-" });
  });

  it("writes '-' for a missing or empty id, and escapes an id that is literally '-'", () => {
    expect(runLog(undefined, undefined, "scope unavailable")).toBe("scope unavailable run=- resource=-");
    expect(runLog("", "", "x")).toBe("x run=- resource=-");
    expect(runLog("-", PE, "x")).toBe(`x run=%2D resource=${PE.toLowerCase()}`);
    expect(parseRunLog(runLog("-", undefined, "x"))).toEqual({ runId: "-", resourceId: undefined, text: "x" });
  });

  it("keeps ids with spaces, tabs, newlines and '%' one token each, so KQL's parse splits them where they end", () => {
    const line = runLog("drift sweep:1", "/subscriptions/s/resourceGroups/rg 1/providers/X.Y/z/a%20b\nc", "delete A x.zone");
    expect(line).toBe("delete A x.zone run=drift%20sweep:1 resource=/subscriptions/s/resourcegroups/rg%201/providers/x.y/z/a%2520b%0Ac");
    expect(kqlParse(line)).toEqual({ runId: "drift%20sweep:1", resourceId: "/subscriptions/s/resourcegroups/rg%201/providers/x.y/z/a%2520b%0Ac", text: "delete A x.zone" });
    expect(parseRunLog(line)).toEqual({ runId: "drift sweep:1", resourceId: "/subscriptions/s/resourcegroups/rg 1/providers/x.y/z/a%20b\nc", text: "delete A x.zone" });
  });

  it("leaves readable characters of ids as they are (':', '=', '/', non-ASCII letters)", () => {
    expect(runLog("sweep-dryrun-ab12cd34:3", "/subscriptions/s/resourceGroups/rg-café/x=y", "m")).toBe("m run=sweep-dryrun-ab12cd34:3 resource=/subscriptions/s/resourcegroups/rg-café/x=y");
  });

  it("round-trips any ids and message, and KQL's parse finds the same message text", () => {
    const id = fc.option(fc.string({ unit: "grapheme", maxLength: 40 }), { nil: undefined });
    fc.assert(
      fc.property(id, id, fc.string({ maxLength: 60 }), (runId, resourceId, message) => {
        const line = runLog(runId, resourceId, message);
        const text = message.replaceAll(" run=", " run:");
        expect(parseRunLog(line)).toEqual({ runId: runId === "" ? undefined : runId, resourceId: resourceId === "" ? undefined : resourceId?.toLowerCase(), text });
        const kql = kqlParse(line);
        expect(kql?.text).toBe(text);
        expect(kql?.runId).not.toMatch(/\s/);
        expect(kql?.resourceId).not.toMatch(/\s/);
      }),
      { numRuns: 300 },
    );
  });

  it("does not read lines of another shape", () => {
    expect(parseRunLog("sweep: planned 3 creates")).toBeUndefined();
    expect(parseRunLog("x run=y no resource here")).toBeUndefined();
  });
});
