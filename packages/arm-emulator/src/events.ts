/**
 * @module Azure Resource Manager events over Event Grid webhooks: subscriptions with the validation
 * handshake, ResourceWrite/Delete/ActionSuccess events in the Event Grid schema or CloudEvents 1.0,
 * bounded delivery retries, and chaos (duplicates, delay, reordering, drops, forged events).
 */
import { request } from "node:http";
import { newGuid, seededRandom, shuffle, stableGuid } from "./random";
import { parseArmId } from "./armIds";

export type EventSchema = "EventGridSchema" | "CloudEventSchema";

export interface SubscribeOptions {
  /** A plain-http URL on the loopback interface. */
  url: string;
  schema?: EventSchema;
}

export interface EventSubscription {
  id: string;
  url: string;
  schema: EventSchema;
}

export type ArmEventKind = "write" | "delete" | "action";

/** The request that made the change, as ARM puts it in `data.httpRequest`. */
export interface EventHttpRequest {
  clientRequestId: string;
  clientIpAddress: string;
  method: string;
  url: string;
}

export interface ArmEventInput {
  kind: ArmEventKind;
  resourceId: string;
  /** The RBAC action, e.g. `Microsoft.Network/privateEndpoints/write`. */
  operationName: string;
  /** Who acted: the bearer token for ARM calls, a made-up name for control actions. */
  principal: string;
  correlationId?: string;
  httpRequest?: EventHttpRequest;
}

export interface EventChaos {
  /** Deliver each event this many times (same event id), >= 1. */
  duplicate?: number;
  /** Hold every event this long before delivery. */
  delayMs?: number;
  /** Collect this many events, then deliver them shuffled. */
  reorderWindow?: number;
  /** Drop each event with this probability. */
  dropProbability?: number;
  seed?: number;
}

/** A made-up event, e.g. a delete for an endpoint that still exists. */
export interface ForgedEvent {
  eventType: "Microsoft.Resources.ResourceWriteSuccess" | "Microsoft.Resources.ResourceDeleteSuccess" | "Microsoft.Resources.ResourceActionSuccess";
  resourceId: string;
  operationName?: string;
}

export interface EventStats {
  published: number;
  dropped: number;
  delivered: number;
  failed: number;
  retries: number;
}

/** An Event Grid schema event; CloudEvents are rendered from it per subscriber. */
export interface EventGridEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  data: Record<string, unknown>;
  dataVersion: string;
  metadataVersion: "1";
}

const EVENT_TYPES: Record<ArmEventKind, ForgedEvent["eventType"]> = {
  write: "Microsoft.Resources.ResourceWriteSuccess",
  delete: "Microsoft.Resources.ResourceDeleteSuccess",
  action: "Microsoft.Resources.ResourceActionSuccess",
};

const MAX_ATTEMPTS = 3;
const REQUEST_TIMEOUT_MS = 5_000;

function isLoopback(hostname: string): boolean {
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
}

interface PostResult {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}) }, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url} timed out after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

function toCloudEvent(event: EventGridEvent): Record<string, unknown> {
  return { id: event.id, source: event.topic, subject: event.subject, type: event.eventType, time: event.eventTime, data: event.data, specversion: "1.0" };
}

export class EventPublisher {
  private readonly subscriptions = new Map<string, EventSubscription>();
  private chaos: EventChaos = {};
  private random = seededRandom(1);
  private reorderBuffer: EventGridEvent[] = [];
  private readonly tasks = new Set<Promise<void>>();
  private readonly queues = new Map<string, Promise<void>>();
  /** Pending chaos delays: cleared and settled on close so `flush` never hangs. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private stats: EventStats = { published: 0, dropped: 0, delivered: 0, failed: 0, retries: 0 };
  private closed = false;

  constructor(private readonly tenantId: () => string) {}

  /**
   * Registers a webhook after Event Grid's handshake: a SubscriptionValidationEvent that must be
   * answered 200 `{validationResponse}` (Event Grid schema), or the CloudEvents abuse-protection
   * OPTIONS request that must be answered 200 with `WebHook-Allowed-Origin` (CloudEvents schema).
   */
  async subscribe(options: SubscribeOptions): Promise<EventSubscription> {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch (cause) {
      throw new TypeError(`Event subscription url ${JSON.stringify(options.url)} is not a URL`, { cause });
    }
    if (url.protocol !== "http:" || !isLoopback(url.hostname)) {
      throw new RangeError(`Event subscription url ${options.url} must be plain http on 127.0.0.1 or localhost`);
    }
    const schema = options.schema ?? "EventGridSchema";
    if (schema !== "EventGridSchema" && schema !== "CloudEventSchema") throw new RangeError(`Event schema ${String(schema)}: expected EventGridSchema or CloudEventSchema`);
    if (schema === "EventGridSchema") await this.validateEventGrid(options.url);
    else await this.validateCloudEvents(options.url);
    const subscription: EventSubscription = { id: newGuid(), url: options.url, schema };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  private async validateEventGrid(url: string): Promise<void> {
    const code = newGuid();
    const event = [
      {
        id: newGuid(),
        topic: "/subscriptions/00000000-0000-0000-0000-000000000000",
        subject: "",
        data: { validationCode: code, validationUrl: `${url.replace(/\/$/, "")}/__validation-not-supported?id=${code}` },
        eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
        eventTime: new Date().toISOString(),
        metadataVersion: "1",
        dataVersion: "1",
      },
    ];
    let result: PostResult;
    try {
      result = await send(url, "POST", { "content-type": "application/json; charset=utf-8", "aeg-event-type": "SubscriptionValidation" }, JSON.stringify(event));
    } catch (cause) {
      throw new Error(`Subscription validation handshake with ${url} failed: the request failed`, { cause });
    }
    let answer: unknown;
    try {
      answer = JSON.parse(result.body);
    } catch {
      answer = undefined;
    }
    const echoed = typeof answer === "object" && answer !== null ? (answer as Record<string, unknown>).validationResponse : undefined;
    if (result.status !== 200 || echoed !== code) {
      throw new Error(`Subscription validation handshake with ${url} failed: expected 200 {"validationResponse":"${code}"}, got ${result.status} ${result.body.slice(0, 200)}`);
    }
  }

  private async validateCloudEvents(url: string): Promise<void> {
    const origin = "eventgrid.azure.net";
    let result: PostResult;
    try {
      result = await send(url, "OPTIONS", { "webhook-request-origin": origin });
    } catch (cause) {
      throw new Error(`CloudEvents abuse-protection handshake with ${url} failed: the request failed`, { cause });
    }
    const allowed = result.headers["webhook-allowed-origin"];
    const values = (Array.isArray(allowed) ? allowed : [allowed ?? ""]).flatMap((v) => v.split(",").map((s) => s.trim()));
    if (result.status !== 200 || !(values.includes("*") || values.includes(origin))) {
      throw new Error(`CloudEvents abuse-protection handshake with ${url} failed: expected 200 with WebHook-Allowed-Origin ${origin} or *, got ${result.status} ${JSON.stringify(allowed)}`);
    }
  }

  unsubscribe(id: string): boolean {
    return this.subscriptions.delete(id);
  }

  listSubscriptions(): EventSubscription[] {
    return [...this.subscriptions.values()];
  }

  setChaos(chaos: EventChaos): void {
    if (chaos.duplicate !== undefined && (!Number.isInteger(chaos.duplicate) || chaos.duplicate < 1)) throw new RangeError(`Event chaos: duplicate ${chaos.duplicate} must be an integer >= 1`);
    if (chaos.dropProbability !== undefined && (chaos.dropProbability < 0 || chaos.dropProbability > 1)) throw new RangeError(`Event chaos: dropProbability ${chaos.dropProbability} must be between 0 and 1`);
    this.chaos = { ...chaos };
    this.random = seededRandom(chaos.seed ?? 1);
  }

  clearChaos(): void {
    this.setChaos({});
    this.releaseReorderBuffer();
  }

  getStats(): EventStats {
    return { ...this.stats };
  }

  /** Builds the ARM event for a committed change. */
  build(input: ArmEventInput): EventGridEvent {
    const parsed = parseArmId(input.resourceId);
    const tenantId = this.tenantId();
    const principalId = stableGuid(`principal|${input.principal}`);
    return {
      id: newGuid(),
      topic: `/subscriptions/${parsed.subscriptionId}`,
      subject: input.resourceId,
      eventType: EVENT_TYPES[input.kind],
      eventTime: new Date().toISOString(),
      data: {
        authorization: {
          scope: input.resourceId,
          action: input.operationName,
          evidence: { role: "Contributor", roleAssignmentScope: `/subscriptions/${parsed.subscriptionId}`, principalId, principalType: "ServicePrincipal" },
        },
        claims: {
          aud: "https://management.azure.com/",
          iss: `https://sts.windows.net/${tenantId}/`,
          appid: principalId,
          appidacr: "2",
          "http://schemas.microsoft.com/identity/claims/objectidentifier": principalId,
          "http://schemas.microsoft.com/identity/claims/tenantid": tenantId,
          ver: "1.0",
        },
        correlationId: input.correlationId ?? newGuid(),
        ...(input.httpRequest !== undefined ? { httpRequest: input.httpRequest } : {}),
        resourceProvider: parsed.namespace ?? "Microsoft.Resources",
        resourceUri: input.resourceId,
        operationName: input.operationName,
        status: "Succeeded",
        subscriptionId: parsed.subscriptionId,
        tenantId,
      },
      dataVersion: "2",
      metadataVersion: "1",
    };
  }

  /** Publishes the event for a committed change, through the configured chaos. */
  publish(input: ArmEventInput): EventGridEvent {
    const event = this.build(input);
    this.stats.published++;
    if (this.chaos.dropProbability !== undefined && this.random() < this.chaos.dropProbability) {
      this.stats.dropped++;
      return event;
    }
    const copies = this.chaos.duplicate ?? 1;
    for (let i = 0; i < copies; i++) this.afterDelay(() => this.enqueue(event));
    return event;
  }

  /** Sends a made-up event straight to every subscriber (no chaos). */
  forge(forged: ForgedEvent): EventGridEvent {
    const kind = (Object.keys(EVENT_TYPES) as ArmEventKind[]).find((k) => EVENT_TYPES[k] === forged.eventType);
    if (kind === undefined) throw new RangeError(`Forged event type ${forged.eventType}: expected one of ${Object.values(EVENT_TYPES).join(", ")}`);
    const parsed = parseArmId(forged.resourceId);
    const operationName = forged.operationName ?? `${[parsed.namespace ?? "Microsoft.Resources", ...parsed.types].join("/")}/${kind === "action" ? "action" : kind}`;
    const event = this.build({ kind, resourceId: forged.resourceId, operationName, principal: "forger" });
    this.dispatch(event);
    return event;
  }

  private afterDelay(fn: () => void): void {
    const delay = this.chaos.delayMs ?? 0;
    if (delay <= 0) {
      fn();
      return;
    }
    const task = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.closed) fn();
        resolve();
      }, delay);
      this.timers.set(timer, resolve);
    });
    this.track(task);
  }

  private enqueue(event: EventGridEvent): void {
    const window = this.chaos.reorderWindow ?? 0;
    if (window <= 1) {
      this.dispatch(event);
      return;
    }
    this.reorderBuffer.push(event);
    if (this.reorderBuffer.length >= window) this.releaseReorderBuffer();
  }

  private releaseReorderBuffer(): void {
    const batch = shuffle(this.reorderBuffer, this.random);
    this.reorderBuffer = [];
    for (const event of batch) this.dispatch(event);
  }

  /** Queues delivery to every subscriber; each subscriber receives its events one at a time, in queue order. */
  private dispatch(event: EventGridEvent): void {
    for (const subscription of this.subscriptions.values()) {
      const previous = this.queues.get(subscription.id) ?? Promise.resolve();
      const next = previous.then(() => this.deliver(subscription, event));
      this.queues.set(subscription.id, next);
      this.track(next);
    }
  }

  private track(task: Promise<void>): void {
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private async deliver(subscription: EventSubscription, event: EventGridEvent): Promise<void> {
    const cloud = subscription.schema === "CloudEventSchema";
    const body = cloud ? JSON.stringify(toCloudEvent(event)) : JSON.stringify([event]);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !this.closed; attempt++) {
      try {
        const result = await send(subscription.url, "POST", {
          "content-type": cloud ? "application/cloudevents+json; charset=utf-8" : "application/json; charset=utf-8",
          "aeg-event-type": "Notification",
          "aeg-subscription-name": subscription.id.toUpperCase(),
          "aeg-delivery-count": String(attempt - 1),
          "aeg-data-version": event.dataVersion,
          "aeg-metadata-version": event.metadataVersion,
        }, body);
        if (result.status >= 200 && result.status < 300) {
          this.stats.delivered++;
          return;
        }
      } catch {
        // a failed request is retried like a non-2xx answer
      }
      if (attempt < MAX_ATTEMPTS) {
        this.stats.retries++;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
    this.stats.failed++;
  }

  /** Resolves when every delayed, buffered and in-flight delivery is done. */
  async flush(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      if (this.tasks.size === 0) {
        if (this.reorderBuffer.length === 0) return;
        this.releaseReorderBuffer();
        continue;
      }
      await Promise.allSettled([...this.tasks]);
    }
  }

  /** Forgets subscriptions, chaos and statistics. */
  reset(): void {
    this.subscriptions.clear();
    this.reorderBuffer = [];
    this.setChaos({});
    this.stats = { published: 0, dropped: 0, delivered: 0, failed: 0, retries: 0 };
  }

  close(): void {
    this.closed = true;
    for (const [timer, settle] of this.timers) {
      clearTimeout(timer);
      settle();
    }
    this.timers.clear();
  }
}
