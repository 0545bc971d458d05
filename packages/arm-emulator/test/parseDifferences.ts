/**
 * @module Test helper: where an SDK's parsed model differs from the JSON the emulator sent. Every
 * leaf of the wire JSON must reach the model unchanged (a `properties` bag may be flattened into its
 * parent, as autorest clients do; date-times may become Dates). A field the SDK drops, renames or
 * retypes is a parse difference.
 */
import type { PipelinePolicy, PipelineResponse } from "@azure/core-rest-pipeline";
import type { Emulator } from "../src/index";
import { clientOptions } from "./clients";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseDifferences(wire: unknown, model: unknown, path = "$"): string[] {
  if (Array.isArray(wire)) {
    if (!Array.isArray(model) || model.length !== wire.length) return [`${path}: expected an array of ${wire.length}, parsed ${JSON.stringify(model)}`];
    return wire.flatMap((item, i) => parseDifferences(item, model[i], `${path}[${i}]`));
  }
  if (isObject(wire)) {
    if (!isObject(model)) return [`${path}: expected an object, parsed ${String(model)}`];
    return Object.entries(wire).flatMap(([key, value]) => {
      // autorest flattens `properties` into the model itself.
      if (key === "properties" && isObject(value) && !("properties" in model)) return parseDifferences(value, model, path);
      if (!(key in model)) return [`${path}.${key}: dropped by the client`];
      return parseDifferences(value, model[key], `${path}.${key}`);
    });
  }
  if (model instanceof Date && typeof wire === "string" && model.getTime() === new Date(wire).getTime()) return [];
  return model === wire ? [] : [`${path}: sent ${JSON.stringify(wire)}, parsed ${JSON.stringify(model)}`];
}

export interface Exchange {
  method: string;
  url: URL;
  status: number;
  body: unknown;
}

/** A pipeline policy that records every exchange (the emulator's answers are JSON or empty). */
function recorder(): { policy: PipelinePolicy; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const policy: PipelinePolicy = {
    name: "emulatorRecorder",
    async sendRequest(request, next): Promise<PipelineResponse> {
      const response = await next(request);
      const text = response.bodyAsText ?? "";
      exchanges.push({ method: request.method, url: new URL(request.url), status: response.status, body: text === "" ? undefined : JSON.parse(text) });
      return response;
    },
  };
  return { policy, exchanges };
}

export type RecordingOptions = ReturnType<typeof clientOptions> & { additionalPolicies: { policy: PipelinePolicy; position: "perCall" }[] };

/** SDK client options for the emulator that also record every exchange into `exchanges`. */
export function recordingClientOptions(emulator: Emulator): { options: RecordingOptions; exchanges: Exchange[] } {
  const { policy, exchanges } = recorder();
  return { options: { ...clientOptions(emulator), additionalPolicies: [{ policy, position: "perCall" }] }, exchanges };
}
