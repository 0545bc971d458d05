import { describe, expect, it } from "vitest";
import { createConsoleLogger, formatLogLine, isLevelEnabled, toLogLevel } from "../src/logger";

const at = new Date("2024-05-01T10:11:12.345Z");

function captureStream(isTTY: boolean): { isTTY: boolean; lines: string[]; write(chunk: string): void } {
  const lines: string[] = [];
  return { isTTY, lines, write: (chunk) => lines.push(chunk) };
}

describe("formatLogLine", () => {
  it("puts time, level, function, instance id and message on one line", () => {
    expect(formatLogLine({ level: "information", message: "started", functionName: "reconcile", instanceId: "abc" }, at)).toBe(
      "10:11:12.345Z INFO  [reconcile] (abc) started",
    );
  });

  it("names the category when there is no function", () => {
    expect(formatLogLine({ level: "warning", message: "careful", category: "host" }, at)).toBe("10:11:12.345Z WARN  [host] careful");
  });

  it("folds a multi-line message such as a stack trace into one line", () => {
    const line = formatLogLine({ level: "error", message: "Error: boom\n    at a (x.js:1)\n    at b (y.js:2)\n" }, at);
    expect(line).toBe("10:11:12.345Z ERROR Error: boom | at a (x.js:1) | at b (y.js:2)");
    expect(line).not.toContain("\n");
  });
});

describe("an app's own rendering", () => {
  it("shows time (to the second), level and the app's text when the renderer answers, and the standard line when it does not", () => {
    const render = (entry: { message: string }) => (entry.message.startsWith("app:") ? entry.message.slice(4) : undefined);
    expect(formatLogLine({ level: "information", message: "app:short", functionName: "f", instanceId: "abc" }, at, false, render)).toBe("10:11:12Z INFO  short");
    expect(formatLogLine({ level: "information", message: "other", functionName: "f", instanceId: "abc" }, at, false, render)).toBe("10:11:12.345Z INFO  [f] (abc) other");
  });

  it("passes the logger's colour choice to the renderer", () => {
    const stream = captureStream(true);
    createConsoleLogger({ stream, now: () => at, render: (_entry, colors) => `colors=${colors}` }).log({ level: "information", message: "m" });
    expect(stream.lines[0]).toContain("colors=true");
  });
});

describe("createConsoleLogger", () => {
  it("colours lines only when the stream is a TTY", () => {
    const tty = captureStream(true);
    const pipe = captureStream(false);
    createConsoleLogger({ stream: tty, now: () => at }).log({ level: "error", message: "x" });
    createConsoleLogger({ stream: pipe, now: () => at }).log({ level: "error", message: "x" });
    expect(tty.lines[0]).toContain("\u001b[");
    expect(pipe.lines).toEqual(["10:11:12.345Z ERROR x\n"]);
  });

  it("drops events below the minimum level", () => {
    const stream = captureStream(false);
    const logger = createConsoleLogger({ stream, minLevel: "warning", now: () => at });
    logger.log({ level: "debug", message: "quiet" });
    logger.log({ level: "information", message: "quiet too" });
    logger.log({ level: "critical", message: "loud" });
    expect(stream.lines).toEqual(["10:11:12.345Z CRIT  loud\n"]);
  });
});

describe("log levels", () => {
  it("maps worker and hook level names onto the host's levels", () => {
    expect(toLogLevel("Information")).toBe("information");
    expect(toLogLevel("warn")).toBe("warning");
    expect(toLogLevel("error")).toBe("error");
    expect(toLogLevel("something else")).toBe("information");
    expect(isLevelEnabled("error", "warning")).toBe(true);
    expect(isLevelEnabled("debug", "information")).toBe(false);
  });
});
