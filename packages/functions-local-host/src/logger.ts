/**
 * @module A readable logger for local runs: one line per event with time, level, function,
 * instance id and message; colours only when the stream is a TTY.
 */
import { format } from "node:util";

/** Log levels as the Functions worker names them. */
export type LogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical";

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  /** The function the event belongs to, when there is one. */
  readonly functionName?: string;
  /** The orchestration instance the event belongs to, when there is one. */
  readonly instanceId?: string;
  /** Where the event came from when it is not a function: "host", "durable", "worker", ... */
  readonly category?: string;
}

/** Everything the local host writes goes through this one method. */
export interface HostLogger {
  log(entry: LogEntry): void;
}

interface WritableLike {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CreateConsoleLoggerOptions {
  /** Where lines go. Defaults to `process.stdout`. */
  stream?: WritableLike;
  /** Lines below this level are dropped. Defaults to "information". */
  minLevel?: LogLevel;
  /** Force colours on or off; by default they follow `stream.isTTY`. */
  colors?: boolean;
  /** Clock used for the time column (tests pin it). */
  now?: () => Date;
  /**
   * Shows an entry the app's own way: when it answers, the line is the time (to the second), the level
   * and its text (the app decides what a person needs); `undefined` keeps the standard line.
   */
  render?: LogRenderer;
}

/** The text an app wants shown for an entry, or `undefined` for the standard line. */
export type LogRenderer = (entry: LogEntry, colors: boolean) => string | undefined;

const levelRank: Record<LogLevel, number> = { trace: 0, debug: 1, information: 2, warning: 3, error: 4, critical: 5 };
const levelLabel: Record<LogLevel, string> = {
  trace: "TRACE",
  debug: "DEBUG",
  information: "INFO ",
  warning: "WARN ",
  error: "ERROR",
  critical: "CRIT ",
};
const levelColor: Record<LogLevel, string> = {
  trace: "\u001b[90m",
  debug: "\u001b[90m",
  information: "\u001b[32m",
  warning: "\u001b[33m",
  error: "\u001b[31m",
  critical: "\u001b[35m",
};
const dim = "\u001b[2m";
const cyan = "\u001b[36m";
const reset = "\u001b[0m";

/** True when `level` is at least as severe as `minimum`. */
export function isLevelEnabled(level: LogLevel, minimum: LogLevel): boolean {
  return levelRank[level] >= levelRank[minimum];
}

/** Maps any level string (worker, Functions log hooks) onto a LogLevel; unknown strings become "information". */
export function toLogLevel(level: string): LogLevel {
  const lower = level.toLowerCase();
  if (lower === "info") return "information";
  if (lower === "warn") return "warning";
  return lower in levelRank ? (lower as LogLevel) : "information";
}

/** Formats log arguments the way `context.log(...)` does (util.format). */
export function formatLogArgs(args: readonly unknown[]): string {
  return format(...args);
}

/**
 * One line, no colours: `12:00:00.000Z INFO  [startRun] (abc) message`.
 * Newlines inside the message (stack traces) are folded into ` | ` so that one event stays one line.
 */
export function formatLogLine(entry: LogEntry, time: Date, colors = false, render?: LogRenderer): string {
  const paint = (code: string, text: string): string => (colors ? `${code}${text}${reset}` : text);
  const level = paint(levelColor[entry.level], levelLabel[entry.level]);
  const rendered = render?.(entry, colors);
  // A rendered line is for a person: the time to the second is enough.
  if (rendered !== undefined) return [paint(dim, `${time.toISOString().slice(11, 19)}Z`), level, rendered.trim().replace(/\s*\r?\n\s*/g, " | ")].join(" ");
  const parts = [paint(dim, `${time.toISOString().slice(11, 23)}Z`), level];
  const source = entry.functionName ?? entry.category;
  if (source !== undefined) parts.push(paint(cyan, `[${source}]`));
  if (entry.instanceId !== undefined) parts.push(paint(dim, `(${entry.instanceId})`));
  parts.push(entry.message.trim().replace(/\s*\r?\n\s*/g, " | "));
  return parts.join(" ");
}

/** A logger writing one formatted line per event. */
export function createConsoleLogger(options: CreateConsoleLoggerOptions = {}): HostLogger {
  const stream = options.stream ?? process.stdout;
  const minLevel = options.minLevel ?? "information";
  const colors = options.colors ?? stream.isTTY === true;
  const now = options.now ?? (() => new Date());
  return {
    log(entry) {
      if (!isLevelEnabled(entry.level, minLevel)) return;
      stream.write(`${formatLogLine(entry, now(), colors, options.render)}\n`);
    },
  };
}
