/**
 * @module Runs timer-triggered functions on their NCRONTAB schedules (six fields, seconds first;
 * or a TimeSpan such as "00:05:00"; `%SETTING%` resolved from the environment), honours
 * `runOnStartup`, and runs them on demand (the admin API's manual trigger).
 */
import type { Timer } from "@azure/functions";
import { Cron } from "croner";
import type { FunctionRegistration } from "./functionsCoreShim";
import { triggerBinding } from "./invokeFunction";
import type { HostLogger } from "./logger";

export type TimerSchedule = { readonly kind: "cron"; readonly expression: string } | { readonly kind: "interval"; readonly ms: number };

export interface TimerTriggersOptions {
  readonly functions: readonly FunctionRegistration[];
  /** Calls the function with its Timer argument. */
  readonly invoke: (registration: FunctionRegistration, timer: Timer) => Promise<unknown>;
  readonly logger: HostLogger;
  /** When false, nothing runs by itself (no schedules, no runOnStartup); manual runs still work. */
  readonly schedule: boolean;
  /** Environment used to resolve `%SETTING%` schedules and WEBSITE_TIME_ZONE. */
  readonly env?: NodeJS.ProcessEnv;
}

interface TimerFunction {
  readonly registration: FunctionRegistration;
  readonly schedule: TimerSchedule;
  readonly runOnStartup: boolean;
  last?: string;
  cron?: Cron;
  interval?: NodeJS.Timeout;
  nextIntervalRun?: number;
}

/**
 * Reads a timer schedule: `%NAME%` is replaced by the app setting, a TimeSpan (`hh:mm:ss` or
 * `d.hh:mm:ss`) is an interval, anything else must be an NCRONTAB expression.
 */
export function parseTimerSchedule(schedule: string, env: NodeJS.ProcessEnv = process.env): TimerSchedule {
  let text = schedule.trim();
  const setting = /^%([^%]+)%$/.exec(text);
  if (setting?.[1] !== undefined) {
    const value = env[setting[1]];
    if (value === undefined || value.trim() === "") throw new RangeError(`The app setting ${setting[1]} (used as timer schedule ${schedule}) is not set`);
    text = value.trim();
  }
  const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(text);
  if (span) {
    const [, days = "0", hours = "0", minutes = "0", seconds = "0"] = span;
    const ms = ((Number(days) * 24 + Number(hours)) * 60 * 60 + Number(minutes) * 60 + Number(seconds)) * 1000;
    if (ms <= 0) throw new RangeError(`Timer schedule ${schedule} is a zero interval`);
    return { kind: "interval", ms };
  }
  const fields = text.split(/\s+/).length;
  if (fields !== 6) throw new RangeError(`Timer schedule "${schedule}" must be an NCRONTAB expression with six fields (second minute hour day month day-of-week)`);
  try {
    new Cron(text, { paused: true });
  } catch (cause) {
    throw new RangeError(`Timer schedule "${schedule}" is not a valid NCRONTAB expression: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  return { kind: "cron", expression: text };
}

/** Schedules and runs the app's timer functions. */
export class TimerTriggers {
  readonly #options: TimerTriggersOptions;
  readonly #timers = new Map<string, TimerFunction>();
  readonly #timezone: string;
  #running = 0;
  #stopped = false;

  constructor(options: TimerTriggersOptions) {
    this.#options = options;
    const env = options.env ?? process.env;
    this.#timezone = env.WEBSITE_TIME_ZONE ?? "Etc/UTC";
    for (const registration of options.functions) {
      const binding = triggerBinding(registration);
      const schedule = typeof binding?.schedule === "string" ? binding.schedule : "";
      try {
        this.#timers.set(registration.name, { registration, schedule: parseTimerSchedule(schedule, env), runOnStartup: binding?.runOnStartup === true });
      } catch (cause) {
        throw new RangeError(`Timer function "${registration.name}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      }
    }
  }

  /** Names of the timer functions. */
  get names(): string[] {
    return [...this.#timers.keys()];
  }

  /** Timer invocations running now. */
  get running(): number {
    return this.#running;
  }

  has(name: string): boolean {
    return this.#timers.has(name);
  }

  /** Arms the schedules (when enabled) and fires runOnStartup functions. */
  start(): void {
    if (!this.#options.schedule) return;
    for (const timer of this.#timers.values()) {
      if (timer.schedule.kind === "cron") {
        timer.cron = new Cron(timer.schedule.expression, { timezone: this.#timezone, protect: true, catch: true, domAndDow: true }, () => this.#fire(timer, false));
      } else {
        const ms = timer.schedule.ms;
        timer.nextIntervalRun = Date.now() + ms;
        timer.interval = setInterval(() => {
          timer.nextIntervalRun = Date.now() + ms;
          void this.#fire(timer, false);
        }, ms);
      }
      const next = this.#next(timer);
      this.#options.logger.log({ level: "information", category: "host", functionName: timer.registration.name, message: `Timer scheduled (${this.#describe(timer)}); next run ${next || "never"}` });
      if (timer.runOnStartup) void this.#fire(timer, false);
    }
  }

  /** Runs a timer function now; rejects with the handler's error. */
  async run(name: string): Promise<unknown> {
    const timer = this.#timers.get(name);
    if (!timer) throw new RangeError(`No timer function named "${name}"; timer functions: ${this.names.join(", ") || "none"}`);
    return this.#invoke(timer, false);
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) {
      timer.cron?.stop();
      if (timer.interval) clearInterval(timer.interval);
    }
  }

  async #fire(timer: TimerFunction, isPastDue: boolean): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#invoke(timer, isPastDue);
    } catch {
      // #invoke has logged it; a failed occurrence must not stop the schedule.
    }
  }

  async #invoke(timer: TimerFunction, isPastDue: boolean): Promise<unknown> {
    const now = new Date().toISOString();
    const payload: Timer = {
      isPastDue,
      schedule: { adjustForDST: false },
      scheduleStatus: { last: timer.last ?? now, next: this.#next(timer), lastUpdated: now },
    };
    timer.last = now;
    this.#running++;
    try {
      return await this.#options.invoke(timer.registration, payload);
    } catch (error) {
      this.#options.logger.log({
        level: "error",
        functionName: timer.registration.name,
        message: `Timer function failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      });
      throw error;
    } finally {
      this.#running--;
    }
  }

  #next(timer: TimerFunction): string {
    if (timer.schedule.kind === "interval") return timer.nextIntervalRun !== undefined ? new Date(timer.nextIntervalRun).toISOString() : "";
    const cron = timer.cron ?? new Cron(timer.schedule.expression, { paused: true, timezone: this.#timezone, domAndDow: true });
    return cron.nextRun()?.toISOString() ?? "";
  }

  #describe(timer: TimerFunction): string {
    return timer.schedule.kind === "cron" ? `NCRONTAB "${timer.schedule.expression}" ${this.#timezone}` : `every ${timer.schedule.ms} ms`;
  }
}
