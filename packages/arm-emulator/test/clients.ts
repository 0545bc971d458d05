/**
 * @module Test helper: what the emulator tests share: a static bearer credential, SDK client options
 * that trust the emulator's CA, and a raw HTTPS request helper.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { request } from "node:https";
import type { Emulator } from "../src/index";

export const HUB = "11111111-1111-1111-1111-111111111111";
export const SPOKE = "22222222-2222-2222-2222-222222222222";
export const UNKNOWN = "33333333-3333-3333-3333-333333333333";

export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token = "emulator-token") {}
  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

/** Options every SDK client needs to talk to the emulator: its endpoint and trust in its CA. */
export function clientOptions(emulator: Emulator): { endpoint: string; credentialScopes: string[]; tlsOptions: { ca: string }; retryOptions: { maxRetries: number } } {
  return { endpoint: emulator.url, credentialScopes: ["https://management.azure.com/.default"], tlsOptions: { ca: emulator.ca }, retryOptions: { maxRetries: 0 } };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

/** One HTTPS request to the emulator, trusting its CA; `token: null` sends no Authorization. */
export function armRequest(emulator: Emulator, method: string, path: string, options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const text = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? "emulator-token"}`;
  if (text !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(text));
  }
  const url = path.startsWith("https://") ? path : `${emulator.url}${path}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: emulator.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown;
        try {
          parsed = body === "" ? undefined : JSON.parse(body);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text: body });
      });
    });
    req.on("error", reject);
    req.end(text);
  });
}
