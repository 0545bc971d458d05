/**
 * @module The ARM emulator's entry point: `startEmulator` starts an HTTPS server on 127.0.0.1 that
 * serves the emulated ARM surface and, under `/_emulator/`, the control API.
 */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { handleArmRequest } from "./armServer";
import { createCertificate } from "./certificate";
import type { EmulatorControl } from "./control";
import { createControl, handleControlRequest } from "./control";
import { Estate } from "./estate";
import type { EstateSeed } from "./estateSeed";
import { parseEstateSeed } from "./estateSeed";
import { EventPublisher } from "./events";
import { FaultInjector } from "./faults";
import { MANAGEMENT_GROUP_ROUTES } from "./managementGroupRoutes";
import { NETWORK_ROUTES } from "./networkRoutes";
import { OPERATION_ROUTES } from "./operationRoutes";
import { OperationStore } from "./operations";
import { PAAS_ROUTES } from "./paasRoutes";
import { PRIVATE_DNS_ROUTES } from "./privateDnsRoutes";
import { RequestCounters } from "./requestCounters";
import { resourceManagerRoutes } from "./resourceManagerRoutes";
import type { RouteContext } from "./router";
import { Throttler } from "./throttling";

export type { EmulatorControl, ForeignRecordSet, RecordSetRef } from "./control";
export type { EstateSeed, CreatePrivateEndpointRequest, SeedManagementGroup, SeedPrivateEndpoint, SeedRecordSet, SeedResource, SeedSubnet, SeedSubscription, SeedZone } from "./estateSeed";
export { loadEstateSeed, parseEstateSeed } from "./estateSeed";
export type { EstateSnapshot, EndpointRecord, ConnectionRecord, NicRecord, RecordSetRecord, ZoneRecord } from "./estate";
export type { EventChaos, EventSchema, EventSubscription, ForgedEvent, SubscribeOptions, EventGridEvent, EventStats } from "./events";
export type { FaultAction, FaultRule } from "./faults";
export type { ThrottlingSettings, BucketLimits } from "./throttling";
export { DEFAULT_THROTTLING } from "./throttling";
export { seededRandom } from "./random";
export type { PaasResource } from "./privateLinkServices";
export { PRIVATE_LINK_SERVICES, zoneGroupRecordName } from "./privateLinkServices";
export type { CounterSnapshot } from "./requestCounters";
export { PUBLISHED_API_VERSIONS } from "./publishedApiVersions";
export { acceptedApiVersions } from "./apiVersions";
export type { ApiFamily } from "./apiVersions";

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  estate?: EstateSeed;
  /** Items per list page before a `nextLink`; default 100. */
  pageSize?: number;
  /** ARM's per-principal token buckets; default off. */
  throttling?: boolean;
  /** How long long-running operations stay InProgress; default 0. */
  asyncOperationDelayMs?: number;
  /** A fixed Retry-After (seconds) on long-running operations; default: the time left, rounded up. */
  retryAfterSeconds?: number;
}

export interface Emulator {
  /** `https://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** PEM certificate clients trust via `tlsOptions: { ca }`. */
  ca: string;
  control: EmulatorControl;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Starts the emulator on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize ${pageSize} must be a positive integer`);
  const settings = { asyncOperationDelayMs: options.asyncOperationDelayMs ?? 0, pageSize, retryAfterSeconds: options.retryAfterSeconds ?? null };
  const estate = new Estate();
  if (options.estate !== undefined) estate.seed(parseEstateSeed(options.estate));
  const events = new EventPublisher(() => estate.tenantId);
  const faults = new FaultInjector();
  const counters = new RequestCounters();
  const throttler = new Throttler(options.throttling ?? false);
  const operations = new OperationStore(() => settings.asyncOperationDelayMs, () => settings.retryAfterSeconds);
  const control = createControl({ estate, events, faults, counters, throttler, settings });
  const certificate = await createCertificate();

  const context: RouteContext = {
    estate,
    operations,
    events,
    baseUrl: "",
    pageSize: () => settings.pageSize,
    asyncDelayMs: () => settings.asyncOperationDelayMs,
  };
  const served = [...NETWORK_ROUTES, ...PRIVATE_DNS_ROUTES, ...PAAS_ROUTES, ...OPERATION_ROUTES];
  const parts = { routes: [...served, ...MANAGEMENT_GROUP_ROUTES, ...resourceManagerRoutes(served)], context, faults, counters, throttler };

  const server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.socket.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      const bodyText = Buffer.concat(chunks).toString("utf8");
      // Not new URL(path, base): clients such as resources.getById send `//subscriptions/...`,
      // which would parse as a host name.
      const url = new URL(`${context.baseUrl}${req.url ?? "/"}`);
      const work = url.pathname === "/_emulator" || url.pathname.startsWith("/_emulator/")
        ? handleControlRequest(control, req, res, url.pathname, bodyText)
        : handleArmRequest(parts, req, res, url, bodyText);
      work.catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "InternalServerError", message: String(error) } }));
      });
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  context.baseUrl = url;

  return {
    url,
    port,
    ca: certificate.cert,
    control,
    async close() {
      operations.close();
      events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
