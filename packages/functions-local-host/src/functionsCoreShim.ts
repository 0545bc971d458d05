/**
 * @module Supplies the host-provided module `@azure/functions-core` the way the real Node worker
 * does (by proxying `Module.prototype.require`), so every `app.*` / `df.app.*` registration reaches
 * a process-wide registry as `{ metadata, handler }`.
 *
 * `@azure/functions` looks the core module up once, lazily, and caches the answer. The shim must
 * therefore be installed before the first `app.*` call in the process, and it is a process-wide
 * singleton: every local host in the process shares it.
 */
import Module from "node:module";

/** One binding as `@azure/functions` describes it (`type`, `direction`, plus trigger options). */
export interface BindingInfo {
  readonly type?: string;
  readonly direction?: string;
  readonly [key: string]: unknown;
}

export interface FunctionMetadata {
  readonly name: string;
  /** Keyed by binding name; the trigger is the binding whose type ends in "Trigger". */
  readonly bindings: Readonly<Record<string, BindingInfo>>;
  readonly retryOptions?: unknown;
}

/** A function handler as registered: `(triggerInput, context)` for every trigger type. */
export type FunctionCallback = (...args: unknown[]) => unknown;

export interface FunctionRegistration {
  readonly name: string;
  readonly metadata: FunctionMetadata;
  readonly handler: FunctionCallback;
}

export type HookName = "appStart" | "appTerminate" | "preInvocation" | "postInvocation" | "log";

/** Hooks receive the worker's plain "core context" object and may mutate it (inputs, functionCallback, result). */
export type HookCallback = (coreContext: Record<string, unknown>) => unknown;

/** Receives `coreApi.log(level, category, message)` calls (the library's own system logs). */
export type CoreLogSink = (level: string, category: string, message: string) => void;

export interface FunctionsCoreShim {
  /** Every function registered in this process, by name. */
  readonly registrations: ReadonlyMap<string, FunctionRegistration>;
  /** Hooks registered for `name`, in registration order. */
  hooks(name: HookName): readonly HookCallback[];
  /** Runs `load` and returns the names of the functions it registered. */
  captureRegistrations(load: () => Promise<unknown>): Promise<string[]>;
  /** Where `coreApi.log` goes; the most recently started host owns it. Returns a function that detaches it again. */
  setLogSink(sink: CoreLogSink): () => void;
}

interface Disposable {
  dispose(): void;
}

interface ShimState {
  readonly shim: FunctionsCoreShim;
}

const globalKey = Symbol.for("privatelink-autopilot.localHost.functionsCoreShim");
const coreModuleName = "@azure/functions-core";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function toMetadata(value: unknown): FunctionMetadata {
  if (!isRecord(value) || typeof value.name !== "string" || value.name === "") {
    throw new TypeError("registerFunction: metadata.name must be a non-empty string");
  }
  if (!isRecord(value.bindings)) {
    throw new TypeError(`registerFunction: metadata.bindings of "${value.name}" must be an object keyed by binding name`);
  }
  return { name: value.name, bindings: value.bindings as Record<string, BindingInfo>, retryOptions: value.retryOptions };
}

function createShim(): FunctionsCoreShim {
  const registrations = new Map<string, FunctionRegistration>();
  const hooks = new Map<HookName, HookCallback[]>();
  const captures = new Set<string[]>();
  let logSink: CoreLogSink | undefined;
  let programmingModel: unknown;

  const coreApi = {
    version: "4.0.0-local",
    hostVersion: "4.0.0-local",
    setProgrammingModel(model: unknown): void {
      programmingModel = model;
    },
    getProgrammingModel(): unknown {
      return programmingModel;
    },
    registerFunction(metadata: unknown, handler: unknown): Disposable {
      const meta = toMetadata(metadata);
      if (typeof handler !== "function") throw new TypeError(`registerFunction: the handler of "${meta.name}" must be a function`);
      for (const names of captures) {
        if (names.includes(meta.name)) {
          throw new RangeError(`A function named "${meta.name}" is already registered; function names must be unique within the app`);
        }
      }
      // A module graph evaluated again in the same process (test runners) replaces its earlier registrations.
      const registration: FunctionRegistration = { name: meta.name, metadata: meta, handler: handler as FunctionCallback };
      registrations.set(meta.name, registration);
      for (const names of captures) names.push(meta.name);
      return {
        dispose() {
          if (registrations.get(meta.name) === registration) registrations.delete(meta.name);
        },
      };
    },
    registerHook(name: unknown, callback: unknown): Disposable {
      if (name !== "appStart" && name !== "appTerminate" && name !== "preInvocation" && name !== "postInvocation" && name !== "log") {
        throw new RangeError(`registerHook: unknown hook "${String(name)}"; expected appStart, appTerminate, preInvocation, postInvocation or log`);
      }
      if (typeof callback !== "function") throw new TypeError(`registerHook: the ${name} callback must be a function`);
      const list = hooks.get(name) ?? [];
      const hook = callback as HookCallback;
      list.push(hook);
      hooks.set(name, list);
      return {
        dispose() {
          const index = list.indexOf(hook);
          if (index >= 0) list.splice(index, 1);
        },
      };
    },
    log(level: unknown, category: unknown, message: unknown): void {
      logSink?.(String(level), String(category), String(message));
    },
  };

  // The worker injects the module the same way: a require proxy answering one name.
  const proto = (Module as unknown as { prototype: { require: (this: unknown, id: string) => unknown } }).prototype;
  proto.require = new Proxy(proto.require, {
    apply(target, self, args: unknown[]) {
      return args[0] === coreModuleName ? coreApi : Reflect.apply(target, self, args);
    },
  });

  return {
    registrations,
    hooks: (name) => hooks.get(name) ?? [],
    async captureRegistrations(load) {
      const names: string[] = [];
      captures.add(names);
      try {
        await load();
      } finally {
        captures.delete(names);
      }
      return names;
    },
    setLogSink(sink) {
      logSink = sink;
      return () => {
        if (logSink === sink) logSink = undefined;
      };
    },
  };
}

/**
 * Installs the `@azure/functions-core` stand-in (once per process) and returns the shared registry.
 * Call it before anything calls `app.*`; `startLocalHost` calls it too.
 */
export function installFunctionsCoreShim(): FunctionsCoreShim {
  const holder = globalThis as typeof globalThis & { [globalKey]?: ShimState };
  const existing = holder[globalKey];
  if (existing) return existing.shim;
  const shim = createShim();
  holder[globalKey] = { shim };
  return shim;
}
