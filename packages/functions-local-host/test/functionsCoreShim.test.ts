import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { installFunctionsCoreShim } from "../src/functionsCoreShim";

interface CoreApiLike {
  registerFunction(metadata: unknown, handler: unknown): { dispose(): void };
  registerHook(name: string, callback: unknown): { dispose(): void };
  log(level: string, category: string, message: string): void;
}

const requireFromHere = createRequire(__filename);

describe("installFunctionsCoreShim", () => {
  const shim = installFunctionsCoreShim();
  const core = requireFromHere("@azure/functions-core") as CoreApiLike;

  it("is one registry per process and answers require('@azure/functions-core')", () => {
    expect(installFunctionsCoreShim()).toBe(shim);
    expect(typeof core.registerFunction).toBe("function");
  });

  it("records registrations made during a load, and refuses a duplicate name within it", async () => {
    const handler = (): string => "ok";
    const names = await shim.captureRegistrations(async () => {
      core.registerFunction({ name: "shimA", bindings: { t: { type: "httpTrigger", direction: "in" } } }, handler);
    });
    expect(names).toEqual(["shimA"]);
    expect(shim.registrations.get("shimA")).toMatchObject({ name: "shimA", handler });
    await expect(
      shim.captureRegistrations(async () => {
        core.registerFunction({ name: "shimB", bindings: {} }, handler);
        core.registerFunction({ name: "shimB", bindings: {} }, handler);
      }),
    ).rejects.toThrow(/already registered/);
  });

  it("validates what is registered", () => {
    expect(() => core.registerFunction({ bindings: {} }, () => undefined)).toThrow(TypeError);
    expect(() => core.registerFunction({ name: "x", bindings: {} }, "not a function")).toThrow(TypeError);
    expect(() => core.registerHook("onSomething", () => undefined)).toThrow(RangeError);
  });

  it("keeps hooks until they are disposed", () => {
    const hook = (): void => undefined;
    const registration = core.registerHook("preInvocation", hook);
    expect(shim.hooks("preInvocation")).toContain(hook);
    registration.dispose();
    expect(shim.hooks("preInvocation")).not.toContain(hook);
  });

  it("forwards core log calls to the current sink until it is detached", () => {
    const seen: string[] = [];
    const detach = shim.setLogSink((level, category, message) => seen.push(`${level}/${category}/${message}`));
    core.log("warning", "system", "hello");
    detach();
    core.log("warning", "system", "dropped");
    expect(seen).toEqual(["warning/system/hello"]);
  });
});
