/**
 * @module How `npm start` shows the app's run-log lines on a terminal: the readable part only (the
 * trailing `run=`/`resource=` ids are for log sinks), with the verb coloured. Anything else, and every
 * line written to a file or a pipe, keeps the standard shape.
 */
import type { LogEntry } from "@privatelink-autopilot/functions-local-host";
import { parseRunLog } from "../orchestrations/runLog";

const VERB_COLOURS: Record<string, string> = {
  approve: "\u001b[32m",
  create: "\u001b[32m",
  update: "\u001b[33m",
  adopt: "\u001b[33m",
  leave: "\u001b[33m",
  skip: "\u001b[33m",
  reject: "\u001b[31m",
  delete: "\u001b[31m",
  conflict: "\u001b[35m",
  error: "\u001b[31m",
};
const RESET = "\u001b[0m";

/** The text a terminal shows for an app's run-log line; `undefined` for any other line. */
export function consoleLine(entry: LogEntry, colors: boolean): string | undefined {
  if (entry.category !== undefined) return undefined;
  const text = parseRunLog(entry.message)?.text;
  if (text === undefined) return undefined;
  const verb = /^\S+/.exec(text)?.[0] ?? "";
  const colour = VERB_COLOURS[verb];
  return colors && colour !== undefined ? `${colour}${verb}${RESET}${text.slice(verb.length)}` : text;
}
