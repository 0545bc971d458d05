/**
 * @module Creates the ARM SDK clients the adapters use: one set per subscription, created lazily and
 * cached, all sharing one endpoint, credential, trust anchor, bounded retry policy and write pacer.
 * Azure and the local emulator differ only in the options passed here (endpoint, credential, CA).
 */

import { isGuid } from "../resourceId";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import { NetworkManagementClient } from "@azure/arm-network";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { ResourceManagementClient } from "@azure/arm-resources";
import { RestError, retryPolicy } from "@azure/core-rest-pipeline";
import type { PipelinePolicy, RetryStrategy } from "@azure/core-rest-pipeline";
import { checkWritePacingLimits, retryAfterInMs, WritePacer, writePacingPolicy } from "./writePacer";
import type { WritePacingLimits } from "./writePacer";
import { WriteRefusedError } from "./errors";

export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";

/** The most retries a caller may ask for; more belongs in the orchestration's durable retry. */
export const MAX_RETRIES_LIMIT = 10;

export interface ArmClientOptions {
  /** Base URL of ARM; default `https://management.azure.com`. */
  endpoint?: string;
  credential: TokenCredential;
  /** PEM certificate(s) to trust for this endpoint (the emulator's CA). Verification stays on. */
  ca?: string;
  /** SDK-level retries per request for 429/5xx/network errors, 0..10; default 4. */
  maxRetries?: number;
  /** First back-off for 5xx and network errors, doubled per retry with jitter; default 800 ms. */
  retryDelayInMs?: number;
  /** Upper bound of the exponential back-off; default 30 s. */
  maxRetryDelayInMs?: number;
  /**
   * The longest `Retry-After` the SDK waits out in-process; default 60 s. A longer one fails the
   * call at once with the 429/503, so the orchestration backs off on a durable timer instead.
   */
  maxRetryAfterInMs?: number;
  /** Per-attempt timeout; a hung request is abandoned and retried like a socket error. Default 90 s; 0: none. */
  requestTimeoutInMs?: number;
  /** Token scopes; default `<endpoint origin>/.default`, right for public and sovereign clouds. */
  credentialScopes?: string | string[];
  /**
   * Client-side token buckets for writes and deletes per subscription, so bulk applies wait on our
   * side instead of drawing 429s. Default: ARM's per-principal limits (200, refilled at 10/s);
   * `false`: off.
   */
  writePacing?: WritePacingLimits | false;
  /**
   * A dry run's clients: every PUT, PATCH, POST and DELETE is refused before it leaves the process
   * with a `WriteRefusedError`, so a code path that forgot the run's dry-run flag still cannot write.
   */
  readOnly?: boolean;
}

/** The cached SDK clients. Callers pass this through to the adapter functions; SDK types stay in shared/azure. */
export interface ArmClients {
  readonly endpoint: string;
  /** True for a dry run's clients: they refuse every write (see `ArmClientOptions.readOnly`). */
  readonly readOnly: boolean;
  network(subscriptionId: string): NetworkManagementClient;
  privateDns(subscriptionId: string): PrivateDnsManagementClient;
  resources(subscriptionId: string): ResourceManagementClient;
  /** HTTP requests sent to ARM so far (every attempt, page and poll), for benchmarks. */
  requestCount(): number;
}

/** A fixed bearer token, for the local emulator (which accepts any token). */
export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string = "emulator") {}

  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

/** `DefaultAzureCredential`; in Azure it picks the user-assigned identity named by `AZURE_CLIENT_ID`. */
export function defaultCredential(env: NodeJS.ProcessEnv = process.env): TokenCredential {
  const clientId = env.AZURE_CLIENT_ID?.trim();
  return clientId ? new DefaultAzureCredential({ managedIdentityClientId: clientId }) : new DefaultAzureCredential();
}

export type CredentialKind = "default" | "static";

/** The credential a configuration names: `default` for Azure, `static` for the emulator. */
export function createCredential(kind: CredentialKind, env: NodeJS.ProcessEnv = process.env): TokenCredential {
  switch (kind) {
    case "default":
      return defaultCredential(env);
    case "static":
      return new StaticTokenCredential();
    default:
      throw new RangeError(`Unknown credential kind ${JSON.stringify(kind)}; expected "default" or "static"`);
  }
}

const TRANSIENT_NETWORK_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "ECONNREFUSED", "ECONNRESET", "EPIPE", "EAI_AGAIN", "REQUEST_SEND_ERROR"]);

function isRetriableStatus(status: number): boolean {
  return status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

/** Honours `Retry-After` on 429/503 up to a bound; past it, hands the response back to the caller. */
function throttlingStrategy(maxRetryAfterInMs: number): RetryStrategy {
  return {
    name: "armThrottlingRetry",
    retry({ response }) {
      const wait = retryAfterInMs(response);
      if (wait === undefined || wait > maxRetryAfterInMs) return { skipStrategy: true };
      return { retryAfterInMs: wait };
    },
  };
}

/** Exponential back-off with jitter for 408/5xx without `Retry-After` and for network errors. */
function exponentialStrategy(retryDelayInMs: number, maxRetryDelayInMs: number): RetryStrategy {
  return {
    name: "armExponentialRetry",
    retry({ retryCount, response, responseError }) {
      const status = response?.status;
      if (status === 429 || (status === 503 && retryAfterInMs(response) !== undefined)) return { skipStrategy: true };
      const networkError = responseError !== undefined && response === undefined && TRANSIENT_NETWORK_CODES.has(responseError.code ?? "");
      if (!networkError && (status === undefined || !isRetriableStatus(status))) return { skipStrategy: true };
      const exponential = Math.min(maxRetryDelayInMs, retryDelayInMs * 2 ** retryCount);
      return { retryAfterInMs: Math.round(exponential / 2 + (Math.random() * exponential) / 2) };
    },
  };
}

/** Gives each attempt a deadline and reports a missed one as a retriable ETIMEDOUT, not as the caller's abort. */
function attemptTimeoutPolicy(timeoutInMs: number): PipelinePolicy {
  return {
    name: "armAttemptTimeout",
    async sendRequest(request, next) {
      if (!(request.timeout > 0)) request.timeout = timeoutInMs;
      try {
        return await next(request);
      } catch (error) {
        const aborted = error instanceof Error && error.name === "AbortError";
        if (aborted && request.abortSignal?.aborted !== true) {
          throw new RestError(`No response from ARM within ${request.timeout} ms (${request.method} ${request.url.split("?")[0]})`, { code: "ETIMEDOUT", request });
        }
        throw error;
      }
    },
  };
}

/** The methods that change something in ARM; every read the adapters make is a GET. */
const WRITE_METHODS = new Set(["PUT", "PATCH", "POST", "DELETE"]);

/** The backstop of a dry run: refuses every write before the retry, pacing or transport policies see it. */
export function refuseWritesPolicy(): PipelinePolicy {
  return {
    name: "armRefuseWrites",
    async sendRequest(request, next) {
      if (WRITE_METHODS.has(request.method.toUpperCase())) throw new WriteRefusedError(request.method, request.url);
      return next(request);
    },
  };
}

function checkNonNegative(name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`ArmClientOptions.${name} must be an integer from 0 to ${max}, got ${value}`);
  }
  return value;
}

function normalizeEndpoint(endpoint: string | undefined): string {
  const raw = endpoint ?? DEFAULT_ARM_ENDPOINT;
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new TypeError(`ArmClientOptions.endpoint ${JSON.stringify(raw)} is not a URL; expected e.g. ${DEFAULT_ARM_ENDPOINT}`, { cause });
  }
  if (url.protocol !== "https:") {
    throw new TypeError(`ArmClientOptions.endpoint must use https (bearer tokens are never sent in clear), got ${JSON.stringify(raw)}`);
  }
  return url.origin;
}

function checkSubscriptionId(subscriptionId: string): string {
  if (typeof subscriptionId !== "string" || !isGuid(subscriptionId)) {
    throw new TypeError(`subscriptionId must be a GUID, got ${JSON.stringify(subscriptionId)}`);
  }
  return subscriptionId.toLowerCase();
}

interface PipelineClient {
  pipeline: { removePolicy(options: { name?: string }): unknown; addPolicy(policy: PipelinePolicy, options?: { phase?: "Retry"; afterPhase?: "Retry" }): void };
}

/** Builds the clients for one endpoint and credential. Nothing connects until the first call. */
export function createArmClients(options: ArmClientOptions): ArmClients {
  if (options === null || typeof options !== "object" || options.credential === undefined) {
    throw new TypeError("createArmClients needs options with a credential (a TokenCredential)");
  }
  const endpoint = normalizeEndpoint(options.endpoint);
  const maxRetries = checkNonNegative("maxRetries", options.maxRetries, 4, MAX_RETRIES_LIMIT);
  const retryDelayInMs = checkNonNegative("retryDelayInMs", options.retryDelayInMs, 800, 60_000);
  const maxRetryDelayInMs = checkNonNegative("maxRetryDelayInMs", options.maxRetryDelayInMs, 30_000, 600_000);
  const maxRetryAfterInMs = checkNonNegative("maxRetryAfterInMs", options.maxRetryAfterInMs, 60_000, 600_000);
  const requestTimeoutInMs = checkNonNegative("requestTimeoutInMs", options.requestTimeoutInMs, 90_000, 600_000);
  const credentialScopes = options.credentialScopes ?? `${endpoint}/.default`;
  // One pacer for every client made here: all subscriptions' clients spend the same principal's buckets.
  const pacer = options.writePacing === false ? undefined : new WritePacer(options.writePacing === undefined ? {} : checkWritePacingLimits(options.writePacing, "ArmClientOptions.writePacing"));
  let requests = 0;

  const sdkOptions = {
    endpoint,
    credentialScopes,
    ...(options.ca !== undefined ? { tlsOptions: { ca: options.ca } } : {}),
  };

  // The SDK's default retry waits out any Retry-After, however long; ours is bounded.
  const configure = <T extends PipelineClient>(client: T): T => {
    client.pipeline.removePolicy({ name: "defaultRetryPolicy" });
    if (options.readOnly === true) client.pipeline.addPolicy(refuseWritesPolicy());
    client.pipeline.addPolicy(
      retryPolicy([throttlingStrategy(maxRetryAfterInMs), exponentialStrategy(retryDelayInMs, maxRetryDelayInMs)], { maxRetries }),
      { phase: "Retry" },
    );
    // After the retry policy, so each attempt (first or retry) waits for its own token: ARM counts
    // every attempt against the bucket. The attempt timeout starts at the transport, so waiting here
    // for a token never counts as an attempt's time.
    if (pacer !== undefined) client.pipeline.addPolicy(writePacingPolicy(pacer), { afterPhase: "Retry" });
    client.pipeline.addPolicy(attemptTimeoutPolicy(requestTimeoutInMs), { afterPhase: "Retry" });
    client.pipeline.addPolicy(
      {
        name: "armRequestCounter",
        sendRequest(request, next) {
          requests += 1;
          return next(request);
        },
      },
      { afterPhase: "Retry" },
    );
    return client;
  };

  const network = new Map<string, NetworkManagementClient>();
  const privateDns = new Map<string, PrivateDnsManagementClient>();
  const resources = new Map<string, ResourceManagementClient>();
  const cached = <T>(cache: Map<string, T>, subscriptionId: string, create: (sub: string) => T): T => {
    const key = checkSubscriptionId(subscriptionId);
    let client = cache.get(key);
    if (client === undefined) {
      client = create(key);
      cache.set(key, client);
    }
    return client;
  };

  return {
    endpoint,
    readOnly: options.readOnly === true,
    network: (sub) => cached(network, sub, (s) => configure(new NetworkManagementClient(options.credential, s, sdkOptions))),
    privateDns: (sub) => cached(privateDns, sub, (s) => configure(new PrivateDnsManagementClient(options.credential, s, sdkOptions))),
    resources: (sub) => cached(resources, sub, (s) => configure(new ResourceManagementClient(options.credential, s, sdkOptions))),
    requestCount: () => requests,
  };
}
