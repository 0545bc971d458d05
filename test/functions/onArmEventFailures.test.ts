import { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { isPermanent, onArmEvent } from "../../functions/onArmEvent";
import { ArmRequestError, PermissionDeniedError } from "../../shared/azure/errors";
import { ScopeResolutionError } from "../../orchestrations/scope";

const PE = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/pe-huge";

describe("onArmEvent on its own (as the Azure Functions host calls it)", () => {
  it("acknowledges an event over 1 MB with one warning, before reading anything", async () => {
    const lines: { level: string; message: string }[] = [];
    const context = new InvocationContext({ functionName: "onArmEvent", logHandler: (level, ...args) => lines.push({ level, message: args.map(String).join(" ") }) });
    const huge = {
      id: "huge-2",
      subject: PE,
      eventType: "Microsoft.Resources.ResourceWriteSuccess",
      eventTime: "2026-01-01T00:00:00Z",
      data: { operationName: "Microsoft.Network/privateEndpoints/write", resourceUri: PE, padding: "x".repeat(2 * 1024 * 1024) },
    };
    await expect(onArmEvent(huge as never, context)).resolves.toBeUndefined();
    expect(lines).toEqual([{ level: "warning", message: expect.stringMatching(/event "huge-2" acknowledged without a run: it is 2097\d{3} bytes, over Event Grid's limit of 1048576 bytes \(1 MB\) per event run=- resource=\S+$/) }]);
  });
});

describe("which failures Event Grid redelivers", () => {
  it("acknowledges failures a redelivery cannot cure, and rethrows the transient ones", () => {
    const permanent = [
      new TypeError("bad id"),
      new RangeError("too many pages"),
      new PermissionDeniedError("denied", "getNetworkInterface", ["Microsoft.Network/networkInterfaces/read"], "/subscriptions/x"),
      new ArmRequestError("bad request", "getNetworkInterface", 400, "InvalidRequest"),
    ];
    const transient = [
      new ArmRequestError("throttled", "getNetworkInterface", 429, "TooManyRequests"),
      new ArmRequestError("down", "getNetworkInterface", 503, "ServiceUnavailable"),
      new ArmRequestError("no answer", "getNetworkInterface", undefined, "ECONNRESET"),
      new ScopeResolutionError("group not found", "mg-x"),
      new Error("durable store: HTTP 500"),
    ];
    expect(permanent.map(isPermanent)).toEqual(permanent.map(() => true));
    expect(transient.map(isPermanent)).toEqual(transient.map(() => false));
  });
});
