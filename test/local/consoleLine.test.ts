import { describe, expect, it } from "vitest";
import { consoleLine } from "../../local/consoleLine";
import { runLog } from "../../orchestrations/runLog";

const ENDPOINT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-blob";
const line = runLog("endpoint-pe-blob_20260101T000000000Z", ENDPOINT, "create A stdata.privatelink.blob.core.windows.net 10.0.0.4 (pe-blob)");

describe("consoleLine: the app's lines on a terminal", () => {
  it("shows what changed and leaves the run and resource ids to log sinks", () => {
    expect(consoleLine({ level: "information", message: line, functionName: "reconcileDns" }, false)).toBe("create A stdata.privatelink.blob.core.windows.net 10.0.0.4 (pe-blob)");
  });

  it("colours the verb when the terminal takes colours", () => {
    expect(consoleLine({ level: "information", message: line, functionName: "reconcileDns" }, true)).toBe("\u001b[32mcreate\u001b[0m A stdata.privatelink.blob.core.windows.net 10.0.0.4 (pe-blob)");
    const summary = runLog("r", ENDPOINT, "endpoint run: 1 decisions");
    expect(consoleLine({ level: "information", message: summary, functionName: "reconcileEndpoint" }, true)).toBe("endpoint run: 1 decisions");
  });

  it("leaves the host's own lines, and lines of another shape, to the standard format", () => {
    expect(consoleLine({ level: "information", message: line, category: "host" }, false)).toBeUndefined();
    expect(consoleLine({ level: "information", message: "Orchestration 'x' continued as new", functionName: "x" }, false)).toBeUndefined();
  });
});
