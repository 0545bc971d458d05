/**
 * @module Compiles Functions HTTP route templates (`runs/{instanceId}`, `{id:int?}`, `{*rest}`)
 * and matches request paths against them, case-insensitively as ASP.NET routing does.
 */

export interface CompiledRoute {
  readonly template: string;
  /** Parameter values by name (already URL-decoded), or undefined when the path does not match. */
  match(path: string): Record<string, string> | undefined;
  /** Sort key: more specific routes (literals before parameters before catch-alls) come first. */
  readonly precedence: readonly number[];
}

interface Parameter {
  readonly name: string;
  readonly constraint?: string;
  readonly optional: boolean;
  readonly catchAll: boolean;
}

const constraintTests: Record<string, (value: string) => boolean> = {
  int: (value) => /^-?\d+$/.test(value),
  long: (value) => /^-?\d+$/.test(value),
  bool: (value) => /^(true|false)$/i.test(value),
  guid: (value) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(value),
  alpha: (value) => /^[a-z]+$/i.test(value),
  double: (value) => value.trim() !== "" && !Number.isNaN(Number(value)),
  float: (value) => value.trim() !== "" && !Number.isNaN(Number(value)),
  decimal: (value) => value.trim() !== "" && !Number.isNaN(Number(value)),
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function parseParameter(body: string, template: string): Parameter {
  let text = body.trim();
  const catchAll = text.startsWith("*");
  text = text.replace(/^\*{1,2}/, "");
  const optional = text.endsWith("?");
  if (optional) text = text.slice(0, -1);
  const [nameAndConstraint = ""] = text.split("=");
  const [name = "", constraint] = nameAndConstraint.split(":");
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`Route template "${template}": invalid parameter "{${body}}"`);
  return { name, constraint: constraint?.replace(/\(.*\)$/, "").toLowerCase(), optional, catchAll };
}

/** Compiles a route template (without the `api/` prefix). */
export function compileRoute(template: string): CompiledRoute {
  const parameters: Parameter[] = [];
  const precedence: number[] = [];
  let pattern = "^";
  const segments = template.split("/").filter((segment) => segment !== "");
  for (const segment of segments) {
    const whole = /^\{([^{}]+)\}$/.exec(segment);
    if (whole?.[1] !== undefined) {
      const parameter = parseParameter(whole[1], template);
      parameters.push(parameter);
      if (parameter.catchAll) {
        pattern += "(?:/(.*))?";
        precedence.push(5);
      } else if (parameter.optional) {
        pattern += "(?:/([^/]+))?";
        precedence.push(4);
      } else {
        pattern += "/([^/]+)";
        precedence.push(parameter.constraint ? 2 : 3);
      }
      continue;
    }
    // A segment mixing literals and parameters, e.g. "{name}.{ext}".
    let segmentPattern = "";
    let rest = segment;
    let hasParameter = false;
    while (rest.length > 0) {
      const open = rest.indexOf("{");
      if (open < 0) {
        segmentPattern += escapeRegExp(rest);
        break;
      }
      const close = rest.indexOf("}", open);
      if (close < 0) throw new TypeError(`Route template "${template}": unclosed "{" in segment "${segment}"`);
      segmentPattern += escapeRegExp(rest.slice(0, open));
      const parameter = parseParameter(rest.slice(open + 1, close), template);
      parameters.push({ ...parameter, optional: false, catchAll: false });
      segmentPattern += "([^/]+?)";
      hasParameter = true;
      rest = rest.slice(close + 1);
    }
    pattern += `/${segmentPattern}`;
    precedence.push(hasParameter ? 2 : 1);
  }
  pattern += "/?$";
  const regex = new RegExp(pattern, "i");
  return {
    template,
    precedence,
    match(path: string) {
      const normalized = `/${path.replace(/^\/+/, "")}`;
      const found = regex.exec(normalized === "/" ? "" : normalized);
      if (!found) return undefined;
      const values: Record<string, string> = {};
      for (const [index, parameter] of parameters.entries()) {
        const raw = found[index + 1];
        if (raw === undefined || raw === "") continue;
        let value: string;
        try {
          value = parameter.catchAll ? raw.split("/").map(decodeURIComponent).join("/") : decodeURIComponent(raw);
        } catch {
          return undefined;
        }
        const test = parameter.constraint ? constraintTests[parameter.constraint] : undefined;
        if (test && !test(value)) return undefined;
        values[parameter.name] = value;
      }
      return values;
    },
  };
}

/** Orders routes so that the most specific template is tried first. */
export function compareRoutePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let index = 0; index < length; index++) {
    const left = a.precedence[index] ?? 0;
    const right = b.precedence[index] ?? 0;
    if (left !== right) return left - right;
  }
  return 0;
}
