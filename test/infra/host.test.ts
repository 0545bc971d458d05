import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { INFRA_DIR, readBicep } from "./bicepText";

interface HostJson {
  logging: { applicationInsights: { samplingSettings: { isEnabled: boolean; excludedTypes: string } } };
  extensions: { durableTask: { hubName: string; storageProvider: { maxQueuePollingInterval: string } } };
}
const host = JSON.parse(readFileSync(resolve(INFRA_DIR, "..", "host.json"), "utf8")) as HostJson;

/** `hh:mm:ss` in seconds. */
const seconds = (span: string) => span.split(":").reduce((total, part) => total * 60 + Number(part), 0);

describe("host.json", () => {
  it("caps Durable's idle queue polling at 2 s, so an event's run waits seconds, not the default 30 s, per hop", () => {
    expect(seconds(host.extensions.durableTask.storageProvider.maxQueuePollingInterval)).toBe(2);
  });

  it("never samples the trace lines the alerts count (nor exceptions); requests and dependencies may be", () => {
    const excluded = host.logging.applicationInsights.samplingSettings.excludedTypes.split(";");
    expect(excluded).toEqual(expect.arrayContaining(["Trace", "Exception"]));
  });

  it("is overridden, for the Durable Task Scheduler backend, at paths that exist in it", () => {
    const api = readBicep("app/api.bicep");
    const overrides = [...api.matchAll(/AzureFunctionsJobHost__([\w_]+):/g)].map((m) => (m[1] ?? "").split("__"));
    expect(overrides.length).toBeGreaterThanOrEqual(3);
    expect(overrides).toContainEqual(["extensions", "durableTask", "storageProvider", "type"]);
    for (const path of overrides.filter((p) => p[0] === "extensions")) {
      const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], host);
      expect(parent, path.join(".")).toBeTypeOf("object");
    }
    expect(api).toMatch(/DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=\$\{durableTaskSchedulerEndpoint\};Authentication=ManagedIdentity;ClientID=\$\{identityClientId\}'/);
  });
});
