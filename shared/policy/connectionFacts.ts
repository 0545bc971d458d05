/**
 * @module The facts a policy rule sees about one connection (`ConnectionFacts`), and the one function that
 * builds them from what a run read. Every path that decides (event run, resource run, sweep, CLI) builds
 * its facts here, so they all decide alike; `explain --facts` reads the same shape from a file.
 */

import { z } from "zod";
import type { Connection, LinkTarget, PrivateEndpoint } from "../domain";
import { parseResourceId, sameResourceId } from "../resourceId";

/**
 * The longest request message a rule's `requestMessage` pattern is matched against, in UTF-16 code units.
 * Microsoft.Network restricts `requestMessage` to 140 characters; anything longer did not come from
 * Azure, and only the first 140 characters are matched.
 */
export const REQUEST_MESSAGE_MAX_LENGTH = 140;

/** Where the group ids in the facts came from; `unknown` when neither side could tell. */
export type GroupIdsSource = "connection" | "endpoint" | "unknown";

/**
 * Everything a policy may look at, as plain data. A field left out is unknown: a criterion that needs it
 * does not hold either way (see `decide`), so missing data never approves.
 */
export interface ConnectionFacts {
  /** The connection, for people reading a trace; no criterion reads it. */
  connectionId?: string;
  /** The PaaS resource the connection is on. */
  targetResourceId?: string;
  /** Its type, e.g. `Microsoft.Storage/storageAccounts`. */
  targetResourceType?: string;
  targetResourceGroup?: string;
  /** Its tags; tag names compare case-insensitively. */
  targetTags?: Record<string, string>;
  /** The private endpoint, for people reading a trace; the criteria read the three parts below. */
  endpointId?: string;
  endpointSubscriptionId?: string;
  endpointResourceGroup?: string;
  endpointName?: string;
  /** The sub-resources requested (`blob`, `vault`, ...). */
  groupIds?: string[];
  groupIdsSource?: GroupIdsSource;
  /** The requester's message, at most `REQUEST_MESSAGE_MAX_LENGTH` long. */
  requestMessage?: string;
}

/** What a run read about one connection. */
export interface ConnectionReading {
  connection: Connection;
  /** The PaaS resource; when left out, its id and type come from the connection. */
  target?: LinkTarget;
  /**
   * The private endpoint, when the run could read it (it is in scope). Its group ids are used when the
   * connection carries none, as only some providers (Batch) repeat them on their side.
   */
  endpoint?: PrivateEndpoint;
}

/** Builds the facts of one connection from what a run read. Pure and total. */
export function connectionFactsOf({ connection, target, endpoint }: ConnectionReading): ConnectionFacts {
  const facts: ConnectionFacts = { connectionId: connection.id };
  const targetId = target?.id || connection.resourceId;
  if (targetId) facts.targetResourceId = targetId;
  const targetType = target?.type || connection.resourceType;
  if (targetType) facts.targetResourceType = targetType;
  const targetResourceGroup = tryParse(targetId)?.resourceGroup;
  if (targetResourceGroup !== undefined) facts.targetResourceGroup = targetResourceGroup;
  facts.targetTags = stringEntries(target?.tags);

  const endpointId = endpoint?.id || connection.privateEndpointId;
  const parsedEndpoint = tryParse(endpointId);
  if (endpointId) facts.endpointId = endpointId;
  if (parsedEndpoint !== undefined) {
    facts.endpointSubscriptionId = parsedEndpoint.subscriptionId;
    if (parsedEndpoint.resourceGroup !== undefined) facts.endpointResourceGroup = parsedEndpoint.resourceGroup;
    const name = parsedEndpoint.names.at(-1);
    if (name !== undefined) facts.endpointName = name;
  }

  const links = endpoint === undefined || targetId === undefined ? [] : endpoint.links.filter((l) => sameResourceId(l.targetResourceId, targetId));
  const fromConnection = stringsOf(connection.groupIds);
  const fromEndpoint = [...new Set(links.flatMap((l) => stringsOf(l.groupIds)))];
  if (fromConnection.length > 0) Object.assign(facts, { groupIds: fromConnection, groupIdsSource: "connection" });
  else if (fromEndpoint.length > 0) Object.assign(facts, { groupIds: fromEndpoint, groupIdsSource: "endpoint" });
  else facts.groupIdsSource = "unknown";

  // While Pending, the resource side's description is the request message; the endpoint's copy is the fallback.
  const message = typeof connection.description === "string" && connection.description !== "" ? connection.description : links.find((l) => l.requestMessage)?.requestMessage;
  facts.requestMessage = capRequestMessage(message ?? "");
  return facts;
}

/** The first `REQUEST_MESSAGE_MAX_LENGTH` code units of a message, never ending inside a surrogate pair. */
export function capRequestMessage(message: string): string {
  if (message.length <= REQUEST_MESSAGE_MAX_LENGTH) return message;
  const code = message.charCodeAt(REQUEST_MESSAGE_MAX_LENGTH - 1);
  return message.slice(0, code >= 0xd800 && code <= 0xdbff ? REQUEST_MESSAGE_MAX_LENGTH - 1 : REQUEST_MESSAGE_MAX_LENGTH);
}

function tryParse(id: string | undefined): ReturnType<typeof parseResourceId> | undefined {
  if (typeof id !== "string" || id === "") return undefined;
  try {
    return parseResourceId(id);
  } catch {
    return undefined;
  }
}

function stringsOf(values: unknown): string[] {
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === "string" && v !== "") : [];
}

function stringEntries(record: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(record ?? {})) if (typeof value === "string") out[name] = value;
  return out;
}

const optionalText = z.string().optional();

/** `ConnectionFacts` as read from a file (`explain --facts`): unknown keys are refused, like in a policy. */
export const ConnectionFactsSchema = z.strictObject({
  connectionId: optionalText,
  targetResourceId: optionalText,
  targetResourceType: optionalText,
  targetResourceGroup: optionalText,
  targetTags: z.record(z.string(), z.string()).optional(),
  endpointId: optionalText,
  endpointSubscriptionId: optionalText,
  endpointResourceGroup: optionalText,
  endpointName: optionalText,
  groupIds: z.array(z.string()).optional(),
  groupIdsSource: z.enum(["connection", "endpoint", "unknown"]).optional(),
  requestMessage: optionalText,
});
