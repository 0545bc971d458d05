/**
 * @module Holds the policy a run decides with. A policy file is re-read when it changes; a change
 * that does not validate is reported and the last valid policy stays in force.
 */

import { readFileSync, statSync } from "node:fs";
import { loadPolicy } from "../shared/policy";
import type { Policy } from "../shared/policy";
import type { Config } from "../shared/config";

export interface CurrentPolicy {
  policy: Policy;
  /** Where the policy came from (file path or "inline"). */
  source: string;
  /** Why the latest version of the file was not taken, while an older one stays in force. */
  error?: string;
}

export class PolicyStore {
  #current: CurrentPolicy | undefined;
  #loadedVersion: string | undefined;

  constructor(private readonly source: Config["policy"]) {}

  /** The policy in force. Throws when no valid policy was ever loaded (start-up with a bad policy). */
  current(): CurrentPolicy {
    if ("text" in this.source) {
      this.#current ??= { policy: loadPolicy(this.source.text, { source: "inline policy" }), source: "inline" };
      return this.#current;
    }
    const path = this.source.path;
    const stat = statSync(path, { throwIfNoEntry: false });
    const version = stat === undefined ? "missing" : `${stat.mtimeMs}:${stat.size}`;
    if (version === this.#loadedVersion && this.#current !== undefined) return this.#current;
    try {
      if (stat === undefined) throw new TypeError(`Policy file ${path} does not exist; expected a YAML or JSON policy file`);
      const text = readFileSync(path, "utf8");
      const format = /\.json$/i.test(path) ? "json" : "yaml";
      this.#current = { policy: loadPolicy(text, { format, source: path }), source: path };
    } catch (error) {
      if (this.#current === undefined) throw error;
      this.#current = { ...this.#current, error: error instanceof Error ? error.message : String(error) };
    }
    this.#loadedVersion = version;
    return this.#current;
  }
}
