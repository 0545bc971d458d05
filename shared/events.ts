/**
 * @module Classifies Azure Resource Manager events delivered by Event Grid (Event Grid schema or
 * CloudEvents 1.0) into the `ReconcileRequest` a run should handle, or `Ignored` with the reason.
 *
 * Events are hints, never truth: an event only names which key to look at (a private endpoint, a NIC,
 * or a PaaS resource whose connections changed). What it claims happened is not trusted; the run
 * re-reads ARM. A malformed event (a required field missing or of the wrong type) throws a `TypeError`
 * naming the field; a well-formed event that does not concern Private Link is `Ignored`.
 *
 * `operationName` is the RBAC action of the ARM request (`Microsoft.Network/privateEndpoints/write`);
 * `resourceUri` is the resource it acted on. Operations that matter:
 *
 *   operationName (case-insensitive)                                     | request
 *   ---------------------------------------------------------------------+------------------------------------
 *   Microsoft.Network/privateEndpoints/write|delete                      | endpoint: resourceUri
 *   Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write|delete | endpoint: the zone group's parent
 *   Microsoft.Network/networkInterfaces/write                            | networkInterface: resourceUri
 *   <Ns>/<type>/privateEndpointConnections/write|delete                  | resource: the <Ns>/<type> ancestor
 *   <Ns>/<type>/privateEndpointConnectionsApproval/action                | resource: the <Ns>/<type> ancestor
 *   <Ns>/<type>/privateEndpointConnectionProxies/<anything>              | resource: the <Ns>/<type> ancestor
 *
 * Only the `...Success` event types start a run; failed and canceled operations are ignored (the drift
 * sweep catches any partial change). `resourceUri` must be of the type the operation acts on, and in scope.
 */

import { isRecord } from "./isRecord";
import type { ReconcileRequest } from "./domain";
import { formatResourceId, isWithinScope, parseResourceId } from "./resourceId";
import type { ResourceId, Scope } from "./resourceId";

/** A well-formed event that asks for no reconciliation, and why. */
export interface Ignored {
  kind: "ignored";
  reason: string;
  /** Set when the event is about a resource outside the scope (worth a warning, unlike an unrelated event). */
  outOfScope?: true;
}

/** The schema an event arrived in. */
export type ArmEventSchema = "EventGrid" | "CloudEvents";

/** The part of an ARM event's `data` that classification reads; the rest of the payload is dropped. */
export interface ArmEventData {
  /** The RBAC action of the request, e.g. `Microsoft.Network/privateEndpoints/write`. */
  operationName: string;
  /** The resource the request acted on (falls back to the event's `subject`). */
  resourceUri: string;
  /** e.g. `Succeeded`; informational, the event type carries the outcome. */
  status?: string;
  resourceProvider?: string;
  subscriptionId?: string;
  tenantId?: string;
  correlationId?: string;
}

/** The event types an Event Grid subscription for this app should include; all others are ignored anyway. */
export const SUBSCRIBED_EVENT_TYPES = [
  "Microsoft.Resources.ResourceWriteSuccess",
  "Microsoft.Resources.ResourceDeleteSuccess",
  "Microsoft.Resources.ResourceActionSuccess",
] as const;

const VALIDATION_EVENT_TYPE = "Microsoft.EventGrid.SubscriptionValidationEvent";
const RESOURCE_EVENT_TYPE = /^Microsoft\.Resources\.Resource(Write|Delete|Action)(Success|Failure|Cancel)$/i;
const PRIVATE_ENDPOINTS = "microsoft.network/privateendpoints";
/** Operation segments below a PaaS resource type that change its connections (lower case). */
const PRIVATE_LINK_SEGMENTS = new Set(["privateendpointconnections", "privateendpointconnectionsapproval", "privateendpointconnectionproxies"]);

/** The fields both schemas share, before `data` is read. */
interface Envelope {
  schema: ArmEventSchema;
  id: string;
  type: string;
  subject: string | undefined;
  time: string | undefined;
  source: string | undefined;
  data: unknown;
}

/**
 * What an operation asks for: the request kind, the resource type the operation acts on, how many type
 * levels of `resourceUri` make the request's id, and whether `resourceUri` must be exactly of `type`.
 */
interface Operation {
  kind: ReconcileRequest["kind"];
  type: string;
  depth: number;
  exact: boolean;
}

/**
 * Classifies one event, as the Functions Event Grid trigger hands it to a handler (an Event Grid schema
 * object with `eventType`, or a CloudEvent with `type`).
 * Throws a `TypeError` naming the field when the event is malformed.
 */
export function classifyEvent(event: unknown, scope: Scope): ReconcileRequest | Ignored {
  const envelope = readEnvelope(event, "event");
  if (!RESOURCE_EVENT_TYPE.test(envelope.type)) {
    if (envelope.type.toLowerCase() === VALIDATION_EVENT_TYPE.toLowerCase()) {
      return ignored(`${VALIDATION_EVENT_TYPE} is the webhook handshake, not a resource change`);
    }
    return ignored(`event type ${envelope.type} is not an ARM resource event`);
  }
  const data = readArmData(envelope.data, envelope.subject, "event");
  const outcome = RESOURCE_EVENT_TYPE.exec(envelope.type)?.[2]?.toLowerCase();
  if (outcome !== "success") {
    const what = outcome === "failure" ? "failed" : "was canceled";
    return ignored(`${data.operationName} ${what} (${envelope.type}); only successful changes start a run, the drift sweep catches the rest`);
  }
  const operation = operationOf(data.operationName);
  if (operation === undefined) return ignored(`${data.operationName} does not concern Private Link`);

  let resource: ResourceId;
  try {
    resource = parseResourceId(data.resourceUri);
  } catch (cause) {
    // The reason only (what part is wrong), not the id again: the preview names it.
    const why = cause instanceof Error ? (/": (.*?); expected /.exec(cause.message)?.[1] ?? cause.message) : String(cause);
    throw new TypeError(`event.data.resourceUri: expected an ARM resource id, got ${preview(data.resourceUri)} (${why})`, { cause });
  }
  const id = requestIdOf(resource, operation);
  if (id === undefined) {
    return ignored(`resourceUri ${data.resourceUri} is not a ${operation.type} resource, as ${data.operationName} implies`);
  }
  if (!isWithinScope(id, scope)) {
    return { ...ignored(`${id} is outside the scope: subscription ${resource.subscriptionId} is not in scope`), outOfScope: true };
  }
  return { kind: operation.kind, id, reason: `${data.operationName} succeeded` };
}

function operationOf(operationName: string): Operation | undefined {
  const segments = operationName.split("/");
  const lower = operationName.toLowerCase();
  if (lower === `${PRIVATE_ENDPOINTS}/write` || lower === `${PRIVATE_ENDPOINTS}/delete`) {
    return { kind: "endpoint", type: "Microsoft.Network/privateEndpoints", depth: 1, exact: true };
  }
  if (lower === `${PRIVATE_ENDPOINTS}/privatednszonegroups/write` || lower === `${PRIVATE_ENDPOINTS}/privatednszonegroups/delete`) {
    // The zone group is a child of the endpoint; its DNS is the endpoint's concern.
    return { kind: "endpoint", type: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups", depth: 1, exact: true };
  }
  if (lower === "microsoft.network/networkinterfaces/write") {
    return { kind: "networkInterface", type: "Microsoft.Network/networkInterfaces", depth: 1, exact: true };
  }
  const at = segments.findIndex((s, i) => i >= 2 && PRIVATE_LINK_SEGMENTS.has(s.toLowerCase()));
  if (at < 0) return undefined;
  const rest = segments.slice(at + 1).map((s) => s.toLowerCase());
  const segment = segments[at]?.toLowerCase();
  const matches =
    (segment === "privateendpointconnections" && rest.length === 1 && (rest[0] === "write" || rest[0] === "delete")) ||
    (segment === "privateendpointconnectionsapproval" && rest.length === 1 && rest[0] === "action") ||
    (segment === "privateendpointconnectionproxies" && rest.length >= 1 && rest.every((s) => s !== ""));
  if (!matches) return undefined;
  // The PaaS resource is the <Namespace>/<type> ancestor; resourceUri may name it or the connection below it.
  return { kind: "resource", type: segments.slice(0, at).join("/"), depth: at - 1, exact: false };
}

/**
 * The id the operation's request names: `resource` cut to `operation.depth` type levels, when `resource` is
 * of the operation's type (or, unless `exact`, below it); otherwise `undefined`.
 */
function requestIdOf(resource: ResourceId, operation: Operation): string | undefined {
  const [namespace, ...types] = operation.type.split("/");
  if (resource.namespace?.toLowerCase() !== namespace?.toLowerCase()) return undefined;
  if (operation.exact ? resource.types.length !== types.length : resource.types.length < types.length) return undefined;
  if (!types.every((t, i) => resource.types[i]?.toLowerCase() === t.toLowerCase())) return undefined;
  const depth = operation.depth;
  return formatResourceId({ ...resource, types: resource.types.slice(0, depth), names: resource.names.slice(0, depth) });
}

function readEnvelope(event: unknown, path: string): Envelope {
  if (!isRecord(event)) {
    throw new TypeError(`${path}: expected an Event Grid schema or CloudEvents 1.0 event object, got ${preview(event)}`);
  }
  if (event.eventType !== undefined) {
    const type = requireString(event, "eventType", path);
    if (event.metadataVersion !== undefined && event.metadataVersion !== "1") {
      throw new TypeError(`${path}.metadataVersion: expected "1" (Event Grid schema), got ${preview(event.metadataVersion)}`);
    }
    return {
      schema: "EventGrid",
      id: requireString(event, "id", path),
      type,
      subject: requireString(event, "subject", path, true),
      time: requireString(event, "eventTime", path),
      source: optionalString(event, "topic", path),
      data: event.data,
    };
  }
  if (event.type !== undefined) {
    const type = requireString(event, "type", path);
    if (event.specversion !== undefined && event.specversion !== "1.0") {
      throw new TypeError(`${path}.specversion: expected "1.0" (CloudEvents 1.0), got ${preview(event.specversion)}`);
    }
    return {
      schema: "CloudEvents",
      id: requireString(event, "id", path),
      type,
      subject: optionalString(event, "subject", path),
      time: optionalString(event, "time", path),
      source: optionalString(event, "source", path),
      data: event.data,
    };
  }
  throw new TypeError(`${path}.eventType: expected a string (Event Grid schema) or ${path}.type (CloudEvents 1.0), got neither`);
}

function readArmData(data: unknown, subject: string | undefined, path: string): ArmEventData {
  if (!isRecord(data)) throw new TypeError(`${path}.data: expected an object with operationName and resourceUri, got ${preview(data)}`);
  const where = `${path}.data`;
  const operationName = requireString(data, "operationName", where);
  const resourceUri = data.resourceUri === undefined && subject ? subject : requireString(data, "resourceUri", where);
  return withoutUndefined({
    operationName,
    resourceUri,
    status: optionalString(data, "status", where),
    resourceProvider: optionalString(data, "resourceProvider", where),
    subscriptionId: optionalString(data, "subscriptionId", where),
    tenantId: optionalString(data, "tenantId", where),
    correlationId: optionalString(data, "correlationId", where),
  });
}

function requireString(record: Record<string, unknown>, key: string, path: string, allowEmpty = false): string {
  const value = record[key];
  if (typeof value !== "string" || (!allowEmpty && value.trim() === "")) {
    throw new TypeError(`${path}.${key}: expected a non-empty string, got ${preview(value)}`);
  }
  return value;
}

function optionalString(record: Record<string, unknown>, key: string, path: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new TypeError(`${path}.${key}: expected a string when present, got ${preview(value)}`);
  return value;
}

function ignored(reason: string): Ignored {
  return { kind: "ignored", reason };
}

/** The object without its `undefined` fields. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A short, safe rendering of a value for error messages. */
function preview(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
    case "number":
    case "boolean":
      return String(value);
    case "object":
      return value instanceof Uint8Array ? "binary data" : "an object";
    default:
      return `a ${typeof value}`;
  }
}
