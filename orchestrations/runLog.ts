/**
 * @module The one shape of every log line the app writes about a run:
 * `run=<instance id> resource=<resource id> <message>`, with `-` for a missing id. Readable as it is,
 * and split in Application Insights with
 * `parse message with "run=" runId " resource=" resourceId " " text`.
 */

/** Stands for a missing id; an id that is literally "-" is escaped so the two never mix. */
const MISSING = "-";

/** `%`, whitespace and control or format characters: escaped so an id stays one space-free token. */
const ESCAPED = /[%\s\p{C}]/gu;

const utf8 = new TextEncoder();

function escapeId(id: string | undefined): string {
  if (id === undefined || id === "") return MISSING;
  if (id === MISSING) return "%2D";
  return id.replace(ESCAPED, (ch) => [...utf8.encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""));
}

function unescapeId(token: string): string | undefined {
  if (token === MISSING) return undefined;
  try {
    return decodeURIComponent(token);
  } catch {
    // Not written by runLog (a stray `%`): shown as it is rather than lost.
    return token;
  }
}

/** Formats one log line about a run: which run (durable instance id), which resource, and the message. */
export function runLog(runId: string | undefined, resourceId: string | undefined, message: string): string {
  return `run=${escapeId(runId)} resource=${escapeId(resourceId)} ${message}`;
}

/** A log line split back into its parts; missing ids are `undefined`. */
export interface RunLogLine {
  runId: string | undefined;
  resourceId: string | undefined;
  text: string;
}

/** Splits a line written by `runLog`; `undefined` for a line of any other shape. */
export function parseRunLog(line: string): RunLogLine | undefined {
  const match = /^run=(\S+) resource=(\S+) ([\s\S]*)$/.exec(line);
  if (match === null) return undefined;
  const [, run = MISSING, resource = MISSING, text = ""] = match;
  return { runId: unescapeId(run), resourceId: unescapeId(resource), text };
}
