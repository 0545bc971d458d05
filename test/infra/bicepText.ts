/**
 * @module Reads Bicep files as text for the infra tests (the bicep CLI is not available offline):
 * comments stripped, and the `param` and `output` declarations with their decorators and defaults.
 */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export const INFRA_DIR = resolve(__dirname, "..", "..", "infra");

/** A `param` declaration. */
export interface BicepParam {
  name: string;
  type: string;
  /** The default's source text, when the param has one. */
  defaultText?: string;
  /** The decorator lines above it, e.g. `@description('...')`. */
  decorators: string[];
}

/** The file's text without `//` comments (a `//` inside a URL such as `https://` is kept). */
export function readBicep(relativePath: string): string {
  return readFileSync(resolve(INFRA_DIR, relativePath), "utf8").replace(/(^|[^:'])\/\/.*$/gm, "$1");
}

/** Every `param`, in order, with the decorators written above it. */
export function bicepParams(text: string): BicepParam[] {
  const params: BicepParam[] = [];
  let decorators: string[] = [];
  let inDecorator = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (inDecorator > 0) {
      decorators[decorators.length - 1] += `\n${line}`;
      inDecorator += (line.match(/[([{]/g) ?? []).length - (line.match(/[)\]}]/g) ?? []).length;
      continue;
    }
    if (line.startsWith("@")) {
      decorators.push(line);
      inDecorator = (line.match(/[([{]/g) ?? []).length - (line.match(/[)\]}]/g) ?? []).length;
      continue;
    }
    const match = /^param\s+(\w+)\s+(\w+)(?:\s*=\s*(.+))?$/.exec(line);
    if (match !== null) {
      const [, name = "", type = "", defaultText] = match;
      params.push({ name, type, ...(defaultText !== undefined ? { defaultText } : {}), decorators });
    }
    if (line !== "") decorators = [];
  }
  return params;
}

/** The names of the file's `output`s. */
export function bicepOutputs(text: string): string[] {
  return [...text.matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1] ?? "");
}
