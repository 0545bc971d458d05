/**
 * @module The control API: what tests and demos do to the emulator from outside ARM. Seed, reset
 * and snapshot the estate; act as other people (create/delete endpoints, approve/reject/remove
 * connections, change an endpoint's IP, write or delete records by hand), each emitting the events
 * Azure would; inject faults, event chaos and throttling; read request counters. The same methods are
 * served over HTTP as `POST /_emulator/{method}` with a JSON object of named arguments.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ArmError } from "./armError";
import type { ConnectionRecord, EndpointRecord, Estate, EstateSnapshot, NicRecord, RecordSetRecord } from "./estate";
import type { CreatePrivateEndpointRequest, EstateSeed } from "./estateSeed";
import { parseEstateSeed } from "./estateSeed";
import type { EventChaos, EventGridEvent, EventPublisher, EventStats, EventSubscription, ForgedEvent, SubscribeOptions } from "./events";
import type { FaultInjector, FaultRule } from "./faults";
import type { CounterSnapshot, RequestCounters } from "./requestCounters";
import type { Throttler, ThrottlingSettings } from "./throttling";
import type { ConnectionStatus } from "./estateSeed";
import { parseArmId } from "./armIds";

/** A record set written by hand (someone else's record, or a stale one). */
export interface ForeignRecordSet {
  /** The zone's ARM id. */
  zoneId: string;
  type: "A" | "CNAME";
  name: string;
  ttl?: number;
  ipv4Addresses?: string[];
  cname?: string;
  metadata?: Record<string, string>;
}

export interface RecordSetRef {
  zoneId: string;
  type: "A" | "CNAME";
  name: string;
}

export interface EmulatorControl {
  /** Adds a seed to the current estate (call `reset` first for a clean one). */
  seed(estate: EstateSeed): void;
  /** Empties the estate and forgets faults, chaos, subscriptions, counters and throttling changes. */
  reset(): void;
  snapshot(): EstateSnapshot;
  createPrivateEndpoint(request: CreatePrivateEndpointRequest): EndpointRecord;
  deletePrivateEndpoint(id: string): boolean;
  setConnectionState(connectionId: string, status: ConnectionStatus, description: string): ConnectionRecord;
  removeConnection(connectionId: string): boolean;
  changeEndpointIp(id: string, fqdn: string | undefined, newIp: string): NicRecord;
  putRecordSet(record: ForeignRecordSet): RecordSetRecord;
  deleteRecordSet(ref: RecordSetRef): boolean;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  setEventChaos(chaos: EventChaos): void;
  clearEventChaos(): void;
  forgeEvent(event: ForgedEvent): EventGridEvent;
  subscribe(options: SubscribeOptions): Promise<EventSubscription>;
  unsubscribe(id: string): boolean;
  /** Resolves when every pending event delivery is done. */
  flushEvents(): Promise<void>;
  eventStats(): EventStats;
  counters(): CounterSnapshot;
  resetCounters(): void;
  setThrottling(settings: Partial<ThrottlingSettings>): ThrottlingSettings;
  /** How long long-running operations stay InProgress from now on. */
  setAsyncOperationDelay(ms: number): void;
  /** The Retry-After (seconds) long-running operations answer with; `null` derives it from the time left. */
  setRetryAfter(seconds: number | null): void;
  setPageSize(size: number): void;
}

export interface ControlParts {
  estate: Estate;
  events: EventPublisher;
  faults: FaultInjector;
  counters: RequestCounters;
  throttler: Throttler;
  settings: { asyncOperationDelayMs: number; pageSize: number; retryAfterSeconds: number | null };
}

/** Who the control API acts as: someone other than the app. */
const SOMEONE_ELSE = "someone-else@contoso.example";

function connectionOperation(connectionId: string, verb: "write" | "delete"): string {
  const parsed = parseArmId(connectionId);
  return `${parsed.namespace}/${parsed.types.join("/")}/${verb}`;
}

export function createControl(parts: ControlParts): EmulatorControl {
  const { estate, events } = parts;
  const publish = (kind: "write" | "delete", resourceId: string, operationName: string): void => {
    events.publish({ kind, resourceId, operationName, principal: SOMEONE_ELSE });
  };
  const zoneOf = (zoneId: string) => {
    const zone = estate.findZone(zoneId);
    if (zone === undefined) throw new RangeError(`Private DNS zone ${zoneId} does not exist in the emulated estate`);
    return zone;
  };
  return {
    seed: (seed) => estate.seed(parseEstateSeed(seed)),
    reset() {
      estate.reset();
      events.reset();
      parts.faults.clear();
      parts.counters.reset();
      parts.throttler.restore();
    },
    snapshot: () => estate.snapshot(),
    createPrivateEndpoint(request) {
      const endpoint = estate.createPrivateEndpoint(request);
      publish("write", endpoint.id, "Microsoft.Network/privateEndpoints/write");
      return structuredClone(endpoint);
    },
    deletePrivateEndpoint(id) {
      const deleted = estate.deletePrivateEndpoint(id);
      if (deleted !== undefined) publish("delete", deleted.id, "Microsoft.Network/privateEndpoints/delete");
      return deleted !== undefined;
    },
    setConnectionState(connectionId, status, description) {
      const connection = estate.setConnectionState(connectionId, status, description);
      publish("write", connection.id, connectionOperation(connection.id, "write"));
      return structuredClone(connection);
    },
    removeConnection(connectionId) {
      const removed = estate.removeConnection(connectionId);
      if (removed !== undefined) publish("delete", removed.id, connectionOperation(removed.id, "delete"));
      return removed !== undefined;
    },
    changeEndpointIp(id, fqdn, newIp) {
      const nic = estate.changeEndpointIp(id, fqdn, newIp);
      publish("write", nic.id, "Microsoft.Network/networkInterfaces/write");
      return structuredClone(nic);
    },
    putRecordSet(record) {
      const zone = zoneOf(record.zoneId);
      const { record: written } = estate.putRecordSet(zone, record.type, record.name, {
        ttl: record.ttl ?? 3600,
        metadata: { ...(record.metadata ?? {}) },
        aRecords: record.ipv4Addresses ?? [],
        ...(record.cname !== undefined ? { cname: record.cname } : {}),
      });
      publish("write", `${zone.id}/${written.type}/${written.name}`, `Microsoft.Network/privateDnsZones/${written.type}/write`);
      return structuredClone(written);
    },
    deleteRecordSet(ref) {
      const zone = zoneOf(ref.zoneId);
      const deleted = estate.deleteRecordSet(zone, ref.type, ref.name);
      if (deleted !== undefined) publish("delete", `${zone.id}/${deleted.type}/${deleted.name}`, `Microsoft.Network/privateDnsZones/${deleted.type}/delete`);
      return deleted !== undefined;
    },
    injectFault: (rule) => parts.faults.add(rule),
    clearFaults: () => parts.faults.clear(),
    setEventChaos: (chaos) => events.setChaos(chaos),
    clearEventChaos: () => events.clearChaos(),
    forgeEvent: (event) => events.forge(event),
    subscribe: (options) => events.subscribe(options),
    unsubscribe: (id) => events.unsubscribe(id),
    flushEvents: () => events.flush(),
    eventStats: () => events.getStats(),
    counters: () => parts.counters.snapshot(),
    resetCounters: () => parts.counters.reset(),
    setThrottling: (settings) => parts.throttler.configure(settings),
    setAsyncOperationDelay(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`asyncOperationDelayMs ${ms} must be a non-negative number`);
      parts.settings.asyncOperationDelayMs = ms;
    },
    setRetryAfter(seconds) {
      if (seconds !== null && (!Number.isInteger(seconds) || seconds < 0)) throw new RangeError(`retryAfterSeconds ${seconds} must be a non-negative integer or null`);
      parts.settings.retryAfterSeconds = seconds;
    },
    setPageSize(size) {
      if (!Number.isInteger(size) || size < 1) throw new RangeError(`pageSize ${size} must be a positive integer`);
      parts.settings.pageSize = size;
    },
  };
}

type Args = Record<string, unknown>;

/** Each control method over HTTP: how its named JSON arguments map onto the call. */
const HTTP_METHODS: Record<string, (control: EmulatorControl, args: Args) => unknown> = {
  seed: (c, a) => c.seed(a as unknown as EstateSeed),
  reset: (c) => c.reset(),
  snapshot: (c) => c.snapshot(),
  createPrivateEndpoint: (c, a) => c.createPrivateEndpoint(a as unknown as CreatePrivateEndpointRequest),
  deletePrivateEndpoint: (c, a) => c.deletePrivateEndpoint(String(a.id)),
  setConnectionState: (c, a) => c.setConnectionState(String(a.connectionId), a.status as ConnectionStatus, String(a.description ?? "")),
  removeConnection: (c, a) => c.removeConnection(String(a.connectionId)),
  changeEndpointIp: (c, a) => c.changeEndpointIp(String(a.id), typeof a.fqdn === "string" ? a.fqdn : undefined, String(a.newIp)),
  putRecordSet: (c, a) => c.putRecordSet(a as unknown as ForeignRecordSet),
  deleteRecordSet: (c, a) => c.deleteRecordSet(a as unknown as RecordSetRef),
  injectFault: (c, a) => c.injectFault(a as FaultRule),
  clearFaults: (c) => c.clearFaults(),
  setEventChaos: (c, a) => c.setEventChaos(a as EventChaos),
  clearEventChaos: (c) => c.clearEventChaos(),
  forgeEvent: (c, a) => c.forgeEvent(a as unknown as ForgedEvent),
  subscribe: (c, a) => c.subscribe(a as unknown as SubscribeOptions),
  unsubscribe: (c, a) => c.unsubscribe(String(a.id)),
  flushEvents: (c) => c.flushEvents(),
  eventStats: (c) => c.eventStats(),
  counters: (c) => c.counters(),
  resetCounters: (c) => c.resetCounters(),
  setThrottling: (c, a) => c.setThrottling(a as Partial<ThrottlingSettings>),
  setAsyncOperationDelay: (c, a) => c.setAsyncOperationDelay(Number(a.ms)),
  setRetryAfter: (c, a) => c.setRetryAfter(a.seconds === null || a.seconds === undefined ? null : Number(a.seconds)),
  setPageSize: (c, a) => c.setPageSize(Number(a.size)),
};

/** Read-only methods that also answer GET. */
const READS = new Set(["snapshot", "eventStats", "counters"]);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Serves `/_emulator/{method}`: POST with a JSON object of arguments (GET for reads). */
export async function handleControlRequest(control: EmulatorControl, req: IncomingMessage, res: ServerResponse, path: string, bodyText: string): Promise<void> {
  const name = path.replace(/^\/_emulator\/?/, "").replace(/\/$/, "");
  const method = HTTP_METHODS[name];
  if (name === "") {
    sendJson(res, 200, { methods: Object.keys(HTTP_METHODS) });
    return;
  }
  if (method === undefined) {
    sendJson(res, 404, { error: { code: "NotFound", message: `No control method ${name}; expected one of ${Object.keys(HTTP_METHODS).join(", ")}` } });
    return;
  }
  if (req.method !== "POST" && !(req.method === "GET" && READS.has(name))) {
    sendJson(res, 405, { error: { code: "MethodNotAllowed", message: `Use POST /_emulator/${name}${READS.has(name) ? " or GET" : ""}` } });
    return;
  }
  let args: Args = {};
  if (bodyText.trim() !== "") {
    try {
      const parsed: unknown = JSON.parse(bodyText);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new TypeError("expected a JSON object");
      args = parsed as Args;
    } catch (cause) {
      sendJson(res, 400, { error: { code: "InvalidRequestContent", message: `The body of /_emulator/${name} must be a JSON object of named arguments: ${(cause as Error).message}` } });
      return;
    }
  }
  try {
    const result = await method(control, args);
    sendJson(res, 200, result === undefined ? {} : result);
  } catch (error) {
    if (error instanceof ArmError) sendJson(res, error.status, error.toBody());
    else sendJson(res, 400, { error: { code: "BadRequest", message: error instanceof Error ? error.message : String(error) } });
  }
}
