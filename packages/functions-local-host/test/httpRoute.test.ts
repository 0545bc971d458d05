import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareRoutePrecedence, compileRoute } from "../src/httpRoute";

describe("compileRoute", () => {
  it("matches literal segments case-insensitively and tolerates a trailing slash", () => {
    const route = compileRoute("health");
    expect(route.match("health")).toEqual({});
    expect(route.match("HEALTH/")).toEqual({});
    expect(route.match("health/extra")).toBeUndefined();
  });

  it("captures and decodes route parameters", () => {
    expect(compileRoute("runs/{instanceId}").match("runs/a%2Fb%20c")).toEqual({ instanceId: "a/b c" });
    expect(compileRoute("runs/{instanceId}").match("runs")).toBeUndefined();
  });

  it("treats a trailing {name?} as optional", () => {
    const route = compileRoute("start/{orchestrator}/{instanceId?}");
    expect(route.match("start/fanOut")).toEqual({ orchestrator: "fanOut" });
    expect(route.match("start/fanOut/abc")).toEqual({ orchestrator: "fanOut", instanceId: "abc" });
  });

  it("enforces int, bool and guid constraints", () => {
    expect(compileRoute("items/{id:int}").match("items/12")).toEqual({ id: "12" });
    expect(compileRoute("items/{id:int}").match("items/x")).toBeUndefined();
    expect(compileRoute("flags/{on:bool}").match("flags/TRUE")).toEqual({ on: "TRUE" });
    expect(compileRoute("ids/{id:guid}").match("ids/0f8fad5b-d9cb-469f-a165-70867728950e")).toBeDefined();
    expect(compileRoute("ids/{id:guid}").match("ids/nope")).toBeUndefined();
  });

  it("collects the rest of the path into a catch-all parameter", () => {
    expect(compileRoute("files/{*path}").match("files/a/b/c.txt")).toEqual({ path: "a/b/c.txt" });
    expect(compileRoute("files/{*path}").match("files")).toEqual({});
  });

  it("matches segments that mix literals and parameters", () => {
    expect(compileRoute("reports/{name}.{ext}").match("reports/sweep.json")).toEqual({ name: "sweep", ext: "json" });
  });

  it("rejects a template with an invalid parameter name", () => {
    expect(() => compileRoute("x/{not valid}")).toThrow(TypeError);
  });

  it("orders literal routes before parameter routes before catch-alls", () => {
    const routes = ["runs/{id}", "{*all}", "runs/latest", "runs/{id:int}"].map(compileRoute);
    expect(routes.sort(compareRoutePrecedence).map((route) => route.template)).toEqual(["runs/latest", "runs/{id:int}", "runs/{id}", "{*all}"]);
  });

  it("round-trips any parameter values through URL encoding", () => {
    const route = compileRoute("a/{first}/b/{second}");
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 1, maxLength: 20 }), (first, second) => {
        expect(route.match(`a/${encodeURIComponent(first)}/b/${encodeURIComponent(second)}`)).toEqual({ first, second });
      }),
      { numRuns: 200 },
    );
  });
});
