import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startLocalHost } from "../../local/host";
import { APP_ENTRY } from "./stack";

describe("start-up", () => {
  it("stops with a message naming each bad setting", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "plautopilot-startup-"));
    Object.assign(process.env, { AUTOPILOT_SUBSCRIPTIONS: "not-a-guid", AUTOPILOT_OWNER_ID: "ok", AUTOPILOT_POLICY: "rules: []" });
    delete process.env["AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS"];
    try {
      await expect(startLocalHost({ entry: APP_ENTRY, port: 0, stateDir, timers: false, logger: { log: () => undefined } })).rejects.toThrow(
        /AUTOPILOT_SUBSCRIPTIONS: expected subscription GUIDs, got "not-a-guid"[\s\S]*AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: missing/,
      );
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
