/**
 * @module Loads the app's one registration module (the same file Azure loads) with the core shim
 * in place, and returns the functions it registered.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { FunctionRegistration, FunctionsCoreShim } from "./functionsCoreShim";
import { installFunctionsCoreShim } from "./functionsCoreShim";

export interface FunctionsApp {
  /** Absolute path of the registration module. */
  readonly entry: string;
  /** The app's functions by name, as registered through `app.*` / `df.app.*`. */
  readonly functions: ReadonlyMap<string, FunctionRegistration>;
}

// Modules are evaluated once per process, so a second host for the same entry reuses what the first load registered.
const namesByEntry = new Map<string, readonly string[]>();

/**
 * Requires `entry` (a path to the compiled registration module, or to its TypeScript source under
 * a TS-aware runner) and collects its registrations.
 */
export async function loadFunctionsApp(entry: string, shim: FunctionsCoreShim = installFunctionsCoreShim()): Promise<FunctionsApp> {
  const absolute = resolve(entry);
  let names = namesByEntry.get(absolute);
  if (names === undefined) {
    try {
      names = await shim.captureRegistrations(() => import(pathToFileURL(absolute).href));
    } catch (cause) {
      throw new Error(`Could not load the functions app from ${absolute}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    if (names.length === 0) {
      throw new RangeError(
        `${absolute} registered no functions. Expected app.http/app.eventGrid/app.timer/df.app.* calls at module load; ` +
          `if @azure/functions was used before installFunctionsCoreShim() it is stuck in test mode.`,
      );
    }
    namesByEntry.set(absolute, names);
  }
  const functions = new Map<string, FunctionRegistration>();
  for (const name of names) {
    const registration = shim.registrations.get(name);
    if (registration) functions.set(name, registration);
  }
  return { entry: absolute, functions };
}
