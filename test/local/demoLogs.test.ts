import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleLogger } from "@privatelink-autopilot/functions-local-host";
import type { LogEntry } from "@privatelink-autopilot/functions-local-host";
import { playLifecycle, settle } from "../../local/demoLifecycle";
import { parseRunLog } from "../../orchestrations/runLog";
import { demoEstate, ROOT, startStack } from "../e2e/stack";
import type { Stack } from "../e2e/stack";

/** The app's own lines (the host's and the durable runner's carry a category). */
const isAppLine = (l: LogEntry) => l.category === undefined && l.functionName !== undefined;

describe("npm start's demo, piped to a file", () => {
  let stack: Stack;
  let entries: LogEntry[] = [];

  beforeAll(async () => {
    stack = await startStack({ estate: await demoEstate(), policy: await readFile(join(ROOT, "local", "demo", "policy.yaml"), "utf8") });
    await stack.host.runTimer("driftSweepTimer");
    await settle(stack.emulator, stack.host);
    await playLifecycle(stack.emulator, stack.host, () => undefined);
    entries = stack.logs.filter(isAppLine);
  }, 120_000);
  afterAll(async () => {
    await stack.close();
  });

  it("prints every app line whole, so each one names its run and its resource", () => {
    expect(entries.length).toBeGreaterThan(20);
    // The lines as `npm start`'s console logger writes them to a file or a pipe (not a TTY).
    const written: string[] = [];
    const logger = createConsoleLogger({ stream: { isTTY: false, write: (chunk: string) => written.push(chunk) }, minLevel: "trace" });
    for (const entry of entries) logger.log(entry);
    expect(written.length).toBe(entries.length);
    for (const [i, entry] of entries.entries()) {
      const printed = (written[i] ?? "").replace(/\n$/, "");
      const line = parseRunLog(printed);
      expect(line, printed).toBeDefined();
      if (line?.runId === undefined) {
        // Only events that started no run name no run.
        expect({ level: entry.level, text: printed }, printed).toEqual({ level: "debug", text: expect.stringMatching(/ ignored event /) });
        continue;
      }
      if (entry.instanceId !== undefined) expect(line.runId, printed).toBe(entry.instanceId);
      // A line about the whole scope (the sweep's start, read and summary) names no resource; every other line does.
      const wholeScope = ["driftSweepTimer", "driftSweep"].includes(entry.functionName ?? "") || / sweep read /.test(printed);
      expect(line.resourceId === undefined, printed).toBe(wholeScope);
    }
  });

  it("names endpoints and resources by short name in a line's text; full ids only in its trailing run= resource= part", () => {
    const texts = entries.map((e) => parseRunLog(e.message)?.text ?? e.message);
    expect(texts.filter((t) => /\/subscriptions\//i.test(t))).toEqual([]);
  });

  it("writes one INFO line per change: each approval and each record create, update and delete once", () => {
    // Evaluations before an approval are debug lines; what a person sees at INFO is each change once.
    const info = entries.filter((e) => e.level === "information").map((e) => parseRunLog(e.message)?.text ?? "").filter((t) => /^(approve|reject|create|update|delete) /.test(t));
    expect(info.filter((t) => t.startsWith("approve ")).length).toBeGreaterThanOrEqual(4);
    expect(info.filter((t) => t.startsWith("delete ")).length).toBeGreaterThanOrEqual(1);
    expect(new Set(info).size).toBe(info.length);
  });
});
