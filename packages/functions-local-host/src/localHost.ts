/**
 * @module The local Azure Functions host: loads the app's own registration module through the
 * core shim and serves it on 127.0.0.1 — HTTP triggers under /api, the Event Grid webhook, timer
 * triggers (schedules and the admin manual trigger) and the Durable extension's HTTP API over the
 * durable runner.
 */
import type { InvocationContext, Timer } from "@azure/functions";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createDurableClientData } from "./durableClientData";
import type { DurableClientData } from "./durableClientData";
import { handleDurableApiRequest, isDurableApiPath } from "./durableHttpApi";
import { DurableRunner } from "./durableRunner";
import { DeliveryTooLargeError, parseEventGridDelivery } from "./eventGridDelivery";
import type { FunctionRegistration } from "./functionsCoreShim";
import { installFunctionsCoreShim } from "./functionsCoreShim";
import { flattenHeaders, PayloadTooLargeError, readRequestBody, sendJson, sendText } from "./httpIo";
import type { CompiledRoute } from "./httpRoute";
import { compareRoutePrecedence, compileRoute } from "./httpRoute";
import { toHttpRequest, writeHttpResult } from "./httpTriggerMessages";
import { createInvocationContext, effectiveOptions, invokeFunction, triggerBinding } from "./invokeFunction";
import { loadFunctionsApp } from "./loadFunctionsApp";
import type { HostLogger, LogLevel } from "./logger";
import { createConsoleLogger, toLogLevel } from "./logger";
import { TimerTriggers } from "./timerTriggers";

export interface StartLocalHostOptions {
  /** Path of the app's registration module (dist/functions/index.js, or its .ts source under a TS-aware runner). */
  readonly entry: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. Default 7071. */
  readonly port?: number;
  /** Directory for orchestration histories; a host started again on it resumes unfinished instances. */
  readonly stateDir: string;
  /** Defaults to a console logger (colours on a TTY). */
  readonly logger?: HostLogger;
  /** Run timer functions on their schedules and honour runOnStartup. Default true. Manual runs always work. */
  readonly timers?: boolean;
  /** Task hub name reported to clients. Default: DURABLE_TASK_HUB, else "TestHubName". */
  readonly taskHubName?: string;
  /** Activity executions running at once, host-wide. Default 16. */
  readonly maxConcurrentActivities?: number;
  /** Caps how long durable timers (and retry back-off) really wait, for fast local runs. Default: no cap. */
  readonly maxTimerWaitMs?: number;
  /** Largest request body accepted. Default 100 MiB, as the Functions host. */
  readonly maxRequestBodyBytes?: number;
}

export interface WaitForIdleOptions {
  /** Give up (reject) after this long. Default 10 000 ms. Durable timers due later than this do not count as busy. */
  readonly timeoutMs?: number;
}

export interface LocalHost {
  /** "http://127.0.0.1:<port>" */
  readonly url: string;
  readonly port: number;
  /** The app's functions, as registered. */
  readonly registrations: ReadonlyMap<string, FunctionRegistration>;
  /** Runs a timer function now and resolves with its result (rejects with its error). */
  runTimer(name: string): Promise<unknown>;
  /** Resolves once no request, invocation, orchestration step, activity or soon-due durable timer is pending. */
  waitForIdle(options?: WaitForIdleOptions): Promise<void>;
  /** Stops timers and the server; unfinished orchestrations stay on disk for the next host. */
  close(): Promise<void>;
}

interface HttpFunction {
  readonly registration: FunctionRegistration;
  readonly route: CompiledRoute;
  readonly methods?: readonly string[];
}

const defaultPort = 7071;
const routePrefix = "/api";
const eventGridPath = "/runtime/webhooks/eventgrid";
const adminFunctionsPrefix = "/admin/functions/";

function triggerType(registration: FunctionRegistration): string {
  return (triggerBinding(registration)?.type ?? "").toLowerCase();
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function isReplaying(context: InvocationContext): boolean {
  const df = (context as unknown as { df?: { isReplaying?: unknown } }).df;
  return df?.isReplaying === true;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(new Error(`The local host could not listen on 127.0.0.1:${port}: ${error.message}`, { cause: error }));
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Loads the app at `options.entry` and serves it on 127.0.0.1. */
export async function startLocalHost(options: StartLocalHostOptions): Promise<LocalHost> {
  const logger = options.logger ?? createConsoleLogger();
  const log = (level: LogLevel, message: string, functionName?: string): void => logger.log({ level, message, category: "host", functionName });
  const shim = installFunctionsCoreShim();
  const logSink = (level: string, category: string, message: string): void => {
    logger.log({ level: category === "system" && level === "information" ? "debug" : toLogLevel(level), category: `worker/${category}`, message });
  };
  const detachLogSink = shim.setLogSink(logSink);
  const app = await loadFunctionsApp(options.entry, shim);
  const taskHubName = options.taskHubName ?? process.env.DURABLE_TASK_HUB ?? "TestHubName";
  const maxBodyBytes = options.maxRequestBodyBytes ?? 100 * 1024 * 1024;
  const appHookData: Record<string, unknown> = {};

  const byTrigger = (type: string): FunctionRegistration[] => [...app.functions.values()].filter((registration) => triggerType(registration) === type);
  const httpFunctions: HttpFunction[] = byTrigger("httptrigger")
    .map((registration) => {
      const binding = triggerBinding(registration);
      const route = typeof binding?.route === "string" ? binding.route : registration.name;
      const methods = Array.isArray(binding?.methods) ? binding.methods.map((method) => String(method).toUpperCase()) : undefined;
      return { registration, route: compileRoute(route), methods };
    })
    .sort((a, b) => compareRoutePrecedence(a.route, b.route));
  const eventGridFunctions = new Map(byTrigger("eventgridtrigger").map((registration) => [registration.name, registration]));
  const orchestrators = new Map(byTrigger("orchestrationtrigger").map((registration) => [registration.name, registration]));
  const activities = new Map(byTrigger("activitytrigger").map((registration) => [registration.name, registration]));

  // Known once the server listens (the client URLs carry the port).
  const durable: { clientData?: DurableClientData } = {};
  const invoke = async (
    registration: FunctionRegistration,
    triggerInput: unknown,
    extra: { instanceId?: string; shouldLog?: (context: InvocationContext) => boolean; context?: InvocationContext } = {},
  ): Promise<unknown> => {
    const context =
      extra.context ?? createInvocationContext({ registration, logger, instanceId: extra.instanceId, durableClientData: durable.clientData, shouldLog: extra.shouldLog });
    return invokeFunction(shim, registration, [triggerInput], context, appHookData);
  };

  const timers = new TimerTriggers({
    functions: byTrigger("timertrigger"),
    invoke: (registration, timer: Timer) => invoke(registration, timer),
    logger,
    schedule: options.timers ?? true,
  });
  const runner = new DurableRunner({
    stateDir: options.stateDir,
    orchestrators,
    activities,
    logger,
    maxConcurrentActivities: options.maxConcurrentActivities,
    maxTimerWaitMs: options.maxTimerWaitMs,
    invoke: ({ registration, kind, instanceId, input }) =>
      invoke(registration, input, { instanceId, shouldLog: kind === "orchestration" ? (context) => !isReplaying(context) : undefined }),
  });

  let requestsInFlight = 0;
  let port = 0;
  let origin = "";
  const ready = { value: false };

  const handleHttpTrigger = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname.slice(routePrefix.length);
    const method = (request.method ?? "GET").toUpperCase();
    let routeMatched = false;
    for (const candidate of httpFunctions) {
      const params = candidate.route.match(path);
      if (!params) continue;
      routeMatched = true;
      if (candidate.methods && !candidate.methods.includes(method)) continue;
      const body = await readRequestBody(request, maxBodyBytes);
      const httpRequest = toHttpRequest({ method, url: url.href, headers: flattenHeaders(request), params, body });
      const context = createInvocationContext({ registration: candidate.registration, logger, durableClientData: durable.clientData });
      let result: unknown;
      try {
        result = await invoke(candidate.registration, httpRequest, { context });
      } catch (error) {
        log("error", `HTTP function failed: ${errorText(error)}`, candidate.registration.name);
        sendText(response, 500, "");
        return;
      }
      const functionOptions = effectiveOptions(candidate.registration);
      if (functionOptions.return?.type !== "http") {
        const httpOutput = functionOptions.extraOutputs.find((output) => output.type === "http");
        if (httpOutput) result = context.extraOutputs.get(httpOutput);
      }
      await writeHttpResult(response, result, method);
      return;
    }
    sendJson(response, routeMatched ? 405 : 404, { Message: routeMatched ? `${method} is not allowed on ${url.pathname}` : `No HTTP function matches ${url.pathname}` });
  };

  const handleEventGrid = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const method = request.method ?? "GET";
    if (method === "OPTIONS") {
      // CloudEvents 1.0 abuse protection: allow the requesting origin.
      const requestOrigin = request.headers["webhook-request-origin"];
      response.writeHead(200, { "WebHook-Allowed-Origin": typeof requestOrigin === "string" && requestOrigin !== "" ? requestOrigin : "*", "WebHook-Allowed-Rate": "*" });
      response.end();
      return;
    }
    if (method !== "POST") return sendJson(response, 405, { Message: `${method} is not supported on ${eventGridPath}; expected POST or OPTIONS` });
    const functionName = url.searchParams.get("functionName");
    if (!functionName) return sendJson(response, 400, { Message: "The functionName query parameter is required" });
    const registration = eventGridFunctions.get(functionName);
    if (!registration) {
      const known = [...eventGridFunctions.keys()].join(", ") || "none";
      return sendJson(response, 404, { Message: `No Event Grid function named '${functionName}'; Event Grid functions: ${known}` });
    }
    const body = (await readRequestBody(request, maxBodyBytes)).toString("utf8");
    const header = request.headers["aeg-event-type"];
    let delivery;
    try {
      delivery = parseEventGridDelivery(body, typeof header === "string" ? header : undefined);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const status = error instanceof DeliveryTooLargeError ? 413 : 400;
      log("warning", `Rejected Event Grid delivery (${status}): ${message}`, functionName);
      return sendJson(response, status, { Message: message });
    }
    if (delivery.kind === "validation") {
      log("information", "Answered the Event Grid subscription validation handshake", functionName);
      return sendJson(response, 200, { validationResponse: delivery.validationCode });
    }
    if (delivery.kind === "unsubscribe") return sendText(response, 202, "");
    for (const r of delivery.rejected) {
      log("warning", `Acknowledged Event Grid event ${r.index} (id ${r.id ?? "none"}) without invoking ${functionName}: ${r.reason}`, functionName);
    }
    const failures: string[] = [];
    for (const event of delivery.events) {
      try {
        await invoke(registration, event);
      } catch (error) {
        failures.push(`${String(event.id)}: ${error instanceof Error ? error.message : String(error)}`);
        log("error", `Event Grid function failed for event ${String(event.id)}: ${errorText(error)}`, functionName);
      }
    }
    if (failures.length > 0) return sendJson(response, 500, { Message: `${failures.length} of ${delivery.events.length} event(s) failed; Event Grid will retry the delivery`, failures });
    response.writeHead(202);
    response.end();
  };

  const handleAdmin = (request: IncomingMessage, response: ServerResponse, url: URL): void => {
    const name = decodeURIComponent(url.pathname.slice(adminFunctionsPrefix.length));
    if (request.method !== "POST") return sendJson(response, 405, { Message: "The manual trigger expects POST" });
    if (!timers.has(name)) {
      const exists = app.functions.has(name);
      return sendJson(response, exists ? 400 : 404, {
        Message: exists ? `'${name}' is not a timer function; the local manual trigger runs timer functions` : `No function named '${name}'`,
      });
    }
    request.resume();
    void timers.run(name).catch(() => undefined);
    response.writeHead(202);
    response.end();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", `http://${request.headers.host ?? `127.0.0.1:${port}`}`);
    const path = url.pathname;
    if (path === routePrefix || path.startsWith(`${routePrefix}/`)) return handleHttpTrigger(request, response, url);
    if (path === eventGridPath) return handleEventGrid(request, response, url);
    if (isDurableApiPath(path)) return handleDurableApiRequest(request, response, url, { runner, taskHubName, maxBodyBytes });
    if (path.startsWith(adminFunctionsPrefix)) return handleAdmin(request, response, url);
    if (path === "/admin/host/status") return sendJson(response, 200, { state: ready.value ? "Running" : "Initializing", version: "local" });
    if (path === "/" && request.method === "GET") return sendText(response, 200, "The local Functions host is running.");
    sendJson(response, 404, { Message: `Nothing is served at ${path}` });
  };

  const server = createServer((request, response) => {
    requestsInFlight++;
    handle(request, response)
      .catch((error: unknown) => {
        if (error instanceof PayloadTooLargeError) {
          if (!response.headersSent) sendJson(response, 413, { Message: error.message });
          return;
        }
        log("error", `Request ${request.method ?? ""} ${request.url ?? ""} failed: ${errorText(error)}`);
        if (!response.headersSent) sendText(response, 500, "");
        else response.destroy();
      })
      .finally(() => {
        requestsInFlight--;
      });
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  port = await listen(server, options.port ?? defaultPort);
  origin = `http://127.0.0.1:${port}`;
  // durable-functions rewrites client URLs to localhost:7071 unless WEBSITE_HOSTNAME is set.
  process.env.WEBSITE_HOSTNAME = `127.0.0.1:${port}`;
  durable.clientData = createDurableClientData(origin, taskHubName);
  try {
    for (const hook of shim.hooks("appStart")) await hook({ hookData: appHookData });
    await runner.start();
  } catch (error) {
    server.close();
    throw error;
  }
  timers.start();
  ready.value = true;

  log("information", `Local Functions host listening on ${origin} (task hub ${taskHubName}, state in ${options.stateDir})`);
  for (const fn of httpFunctions) {
    const binding = triggerBinding(fn.registration);
    log("information", `[${fn.methods?.join(",") ?? "ALL"}] ${origin}${routePrefix}/${fn.route.template.replace(/^\/+/, "")}`, fn.registration.name);
    if (binding?.authLevel === "function" || binding?.authLevel === "admin") {
      log("information", `authLevel '${String(binding.authLevel)}' is accepted without a key: keys are not enforced locally`, fn.registration.name);
    }
  }
  for (const name of eventGridFunctions.keys()) log("information", `eventGridTrigger: ${origin}${eventGridPath}?functionName=${name}`, name);
  for (const name of timers.names) log("information", `timerTrigger (manual run: POST ${origin}${adminFunctionsPrefix}${name})`, name);
  if (orchestrators.size > 0) log("information", `Orchestrations: ${[...orchestrators.keys()].join(", ")}`);
  if (activities.size > 0) log("information", `Activities: ${[...activities.keys()].join(", ")}`);
  const served = new Set(["httptrigger", "eventgridtrigger", "timertrigger", "orchestrationtrigger", "activitytrigger"]);
  for (const registration of app.functions.values()) {
    if (!served.has(triggerType(registration))) log("warning", `${triggerBinding(registration)?.type ?? "unknown"} functions are not served by the local host`, registration.name);
  }

  let closing: Promise<void> | undefined;
  const busyReasons = (horizonMs: number): string[] => {
    const reasons = runner.busyReasons(horizonMs);
    if (requestsInFlight > 0) reasons.push(`${requestsInFlight} HTTP request(s)`);
    if (timers.running > 0) reasons.push(`${timers.running} timer invocation(s)`);
    return reasons;
  };

  return {
    url: origin,
    port,
    registrations: app.functions,
    runTimer: (name) => timers.run(name),
    async waitForIdle(waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? 10_000;
      const deadline = Date.now() + timeoutMs;
      let quietChecks = 0;
      for (;;) {
        const reasons = busyReasons(Math.max(0, deadline - Date.now()));
        quietChecks = reasons.length === 0 ? quietChecks + 1 : 0;
        if (quietChecks >= 2) return;
        if (Date.now() >= deadline) throw new Error(`The local host is still busy after ${timeoutMs} ms: ${reasons.join("; ") || "settling"}`);
        await sleep(10);
      }
    },
    close() {
      closing ??= (async () => {
        timers.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const forced = setTimeout(() => server.closeAllConnections(), 2000);
        await runner.close();
        await closed;
        clearTimeout(forced);
        for (const hook of shim.hooks("appTerminate")) {
          try {
            await hook({ hookData: appHookData });
          } catch (error) {
            log("error", `appTerminate hook failed: ${errorText(error)}`);
          }
        }
        detachLogSink();
        log("information", "Local Functions host stopped");
      })();
      return closing;
    },
  };
}
