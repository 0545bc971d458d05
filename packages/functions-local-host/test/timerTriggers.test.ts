import type { Timer } from "@azure/functions";
import { describe, expect, it } from "vitest";
import type { FunctionRegistration } from "../src/functionsCoreShim";
import { parseTimerSchedule, TimerTriggers } from "../src/timerTriggers";
import { createMemoryLogger, eventually } from "./helpers";

function timerFunction(name: string, schedule: string, runOnStartup = false): FunctionRegistration {
  return {
    name,
    metadata: { name, bindings: { timer: { type: "timerTrigger", direction: "in", schedule, runOnStartup } } },
    handler: () => undefined,
  };
}

describe("parseTimerSchedule", () => {
  it("accepts six-field NCRONTAB expressions and TimeSpan intervals", () => {
    expect(parseTimerSchedule("0 */15 * * * *")).toEqual({ kind: "cron", expression: "0 */15 * * * *" });
    expect(parseTimerSchedule("00:05:00")).toEqual({ kind: "interval", ms: 300_000 });
    expect(parseTimerSchedule("1.00:00:00")).toEqual({ kind: "interval", ms: 86_400_000 });
  });

  it("resolves %SETTING% schedules from the environment", () => {
    expect(parseTimerSchedule("%SWEEP%", { SWEEP: "0 0 * * * *" })).toEqual({ kind: "cron", expression: "0 0 * * * *" });
    expect(() => parseTimerSchedule("%SWEEP%", {})).toThrow(/SWEEP/);
  });

  it("rejects five-field crontabs and nonsense with a message naming the schedule", () => {
    expect(() => parseTimerSchedule("*/5 * * * *")).toThrow(/six fields/);
    expect(() => parseTimerSchedule("0 0 25 * * *")).toThrow(/not a valid NCRONTAB/);
  });
});

describe("TimerTriggers", () => {
  it("fires runOnStartup at start and then on the schedule, with a Timer argument", async () => {
    const runs: Timer[] = [];
    const triggers = new TimerTriggers({
      functions: [timerFunction("everySecond", "* * * * * *", true)],
      invoke: async (_registration, timer) => {
        runs.push(timer);
      },
      logger: createMemoryLogger(),
      schedule: true,
    });
    try {
      triggers.start();
      await eventually(() => runs.length >= 2, 3000, "a scheduled run after the startup run");
      expect(runs[0]).toMatchObject({ isPastDue: false, schedule: { adjustForDST: false } });
      expect(Date.parse(runs[1]?.scheduleStatus.next ?? "")).toBeGreaterThan(Date.parse(runs[1]?.scheduleStatus.lastUpdated ?? ""));
    } finally {
      triggers.stop();
    }
  });

  it("runs nothing by itself when scheduling is off, but runs on demand and reports failures", async () => {
    const logger = createMemoryLogger();
    let runs = 0;
    const triggers = new TimerTriggers({
      functions: [timerFunction("sweep", "0 0 0 1 1 *", true)],
      invoke: async () => {
        runs++;
        if (runs === 2) throw new Error("sweep broke");
      },
      logger,
      schedule: false,
    });
    triggers.start();
    expect(runs).toBe(0);
    await triggers.run("sweep");
    await expect(triggers.run("sweep")).rejects.toThrow("sweep broke");
    expect(logger.find("sweep broke")).toHaveLength(1);
    await expect(triggers.run("other")).rejects.toThrow(/No timer function named "other"/);
  });

  it("refuses an app whose timer schedule is invalid, naming the function", () => {
    expect(() => new TimerTriggers({ functions: [timerFunction("bad", "every day")], invoke: async () => undefined, logger: createMemoryLogger(), schedule: false })).toThrow(/"bad"/);
  });
});
