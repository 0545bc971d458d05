import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRunLog, runLog } from "../../orchestrations/runLog";

const PE = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-batch";

/** What KQL's `parse message with "run=" runId " resource=" resourceId " " text` extracts (each column up to the next delimiter). */
function kqlParse(message: string): { runId: string; resourceId: string; text: string } | undefined {
  if (!message.startsWith("run=")) return undefined;
  const rest = message.slice("run=".length);
  const a = rest.indexOf(" resource=");
  if (a < 0) return undefined;
  const afterResource = rest.slice(a + " resource=".length);
  const b = afterResource.indexOf(" ");
  if (b < 0) return undefined;
  return { runId: rest.slice(0, a), resourceId: afterResource.slice(0, b), text: afterResource.slice(b + 1) };
}

describe("runLog", () => {
  it("writes the run, the resource and the message in a line people can read", () => {
    expect(runLog("endpoint-pe-batch-0123456789abcdef0123", PE, "approved by rule platform")).toBe(`run=endpoint-pe-batch-0123456789abcdef0123 resource=${PE} approved by rule platform`);
  });

  it("writes '-' for a missing or empty id, and escapes an id that is literally '-'", () => {
    expect(runLog(undefined, undefined, "scope unavailable")).toBe("run=- resource=- scope unavailable");
    expect(runLog("", "", "x")).toBe("run=- resource=- x");
    expect(runLog("-", PE, "x")).toBe(`run=%2D resource=${PE} x`);
    expect(parseRunLog(runLog("-", undefined, "x"))).toEqual({ runId: "-", resourceId: undefined, text: "x" });
  });

  it("keeps ids with spaces, tabs, newlines and '%' one token each, so KQL's parse splits them where they end", () => {
    const line = runLog("drift sweep:1", "/subscriptions/s/resourceGroups/rg 1/providers/X.Y/z/a%20b\nc", "deleted A x.zone");
    expect(line).toBe("run=drift%20sweep:1 resource=/subscriptions/s/resourceGroups/rg%201/providers/X.Y/z/a%2520b%0Ac deleted A x.zone");
    expect(kqlParse(line)).toEqual({ runId: "drift%20sweep:1", resourceId: "/subscriptions/s/resourceGroups/rg%201/providers/X.Y/z/a%2520b%0Ac", text: "deleted A x.zone" });
    expect(parseRunLog(line)).toEqual({ runId: "drift sweep:1", resourceId: "/subscriptions/s/resourceGroups/rg 1/providers/X.Y/z/a%20b\nc", text: "deleted A x.zone" });
  });

  it("leaves readable characters of ids as they are (':', '=', '/', non-ASCII letters)", () => {
    expect(runLog("sweep-dryrun-ab12cd34:3", "/subscriptions/s/resourceGroups/rg-café/x=y", "m")).toBe("run=sweep-dryrun-ab12cd34:3 resource=/subscriptions/s/resourceGroups/rg-café/x=y m");
  });

  it("round-trips any ids and message, and KQL's parse finds the same message text", () => {
    const id = fc.option(fc.string({ unit: "grapheme", maxLength: 40 }), { nil: undefined });
    fc.assert(
      fc.property(id, id, fc.string({ maxLength: 60 }), (runId, resourceId, message) => {
        const line = runLog(runId, resourceId, message);
        expect(parseRunLog(line)).toEqual({ runId: runId === "" ? undefined : runId, resourceId: resourceId === "" ? undefined : resourceId, text: message });
        const kql = kqlParse(line);
        expect(kql?.text).toBe(message);
        expect(kql?.runId).not.toMatch(/\s/);
        expect(kql?.resourceId).not.toMatch(/\s/);
      }),
      { numRuns: 300 },
    );
  });

  it("does not read lines of another shape", () => {
    expect(parseRunLog("sweep: planned 3 creates")).toBeUndefined();
    expect(parseRunLog("run=x no resource here")).toBeUndefined();
  });
});
