/**
 * @module The one shape of every log line the app writes about a run:
 * `<message> run=<instance id> resource=<resource id>`: what happened first, for people, and the full
 * ids in a trailing `key=value` part, for machines, with `-` for a missing id. Resource ids are written
 * in lower case (ARM ids are case-insensitive), so one grep finds every line about a resource. Split in
 * Application Insights with `parse Message with text " run=" runId " resource=" resourceId`.
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

/** Where the message says ` run=` (KQL's parse splits at the first one), it says ` run:` instead. */
const TAIL_START = / run=/g;

/** Formats one log line about a run: the message, then which run (durable instance id) and which resource. */
export function runLog(runId: string | undefined, resourceId: string | undefined, message: string): string {
  return `${message.replace(TAIL_START, " run:")} run=${escapeId(runId)} resource=${escapeId(resourceId?.toLowerCase())}`;
}

/** A log line split back into its parts; missing ids are `undefined`. */
export interface RunLogLine {
  runId: string | undefined;
  resourceId: string | undefined;
  text: string;
}

/** Splits a line written by `runLog`; `undefined` for a line of any other shape. */
export function parseRunLog(line: string): RunLogLine | undefined {
  const match = /^([\s\S]*) run=(\S+) resource=(\S+)$/.exec(line);
  if (match === null) return undefined;
  const [, text = "", run = MISSING, resource = MISSING] = match;
  return { runId: unescapeId(run), resourceId: unescapeId(resource), text };
}
