/**
 * @module Keeps orchestration instances on disk: one JSON file per instance under
 * `<stateDir>/instances`, written atomically (temp file + rename) and serialised per instance.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

let tempCounter = 0;

/** A file name safe on every platform for any instance id (long ids are hashed). */
export function instanceFileName(instanceId: string): string {
  const encoded = encodeURIComponent(instanceId).replace(/[*!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const safe = encoded.length <= 180 ? encoded : `h-${createHash("sha256").update(instanceId).digest("hex")}`;
  return `${safe}.json`;
}

export interface StoredInstance {
  readonly instanceId: string;
}

/** Reads and writes instance documents; the caller owns their shape. */
export class InstanceStore<T extends StoredInstance> {
  readonly #directory: string;
  readonly #writes = new Map<string, Promise<void>>();

  constructor(stateDir: string) {
    this.#directory = join(stateDir, "instances");
  }

  get directory(): string {
    return this.#directory;
  }

  /** Every readable instance document; files that are not valid JSON are reported through `onInvalid` and skipped. */
  async loadAll(isValid: (value: unknown) => value is T, onInvalid: (file: string, reason: string) => void): Promise<T[]> {
    await mkdir(this.#directory, { recursive: true });
    const files = (await readdir(this.#directory)).filter((name) => name.endsWith(".json"));
    const documents: T[] = [];
    for (const file of files) {
      try {
        const value: unknown = JSON.parse(await readFile(join(this.#directory, file), "utf8"));
        if (isValid(value)) documents.push(value);
        else onInvalid(file, "not an instance document");
      } catch (error) {
        onInvalid(file, error instanceof Error ? error.message : String(error));
      }
    }
    return documents;
  }

  /** Writes a snapshot of `document` now; writes of one instance land in call order. */
  save(document: T): Promise<void> {
    const text = JSON.stringify(document);
    const file = join(this.#directory, instanceFileName(document.instanceId));
    return this.#enqueue(document.instanceId, async () => {
      const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
      await writeFile(temp, text, "utf8");
      await rename(temp, file);
    });
  }

  delete(instanceId: string): Promise<void> {
    const file = join(this.#directory, instanceFileName(instanceId));
    return this.#enqueue(instanceId, () => rm(file, { force: true }));
  }

  /** Resolves when every write started so far has finished. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#writes.values()]);
  }

  async ensureDirectory(): Promise<void> {
    await mkdir(this.#directory, { recursive: true });
  }

  #enqueue(instanceId: string, write: () => Promise<unknown>): Promise<void> {
    const previous = this.#writes.get(instanceId) ?? Promise.resolve();
    const next = previous.then(
      () => write(),
      () => write(),
    );
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.#writes.set(instanceId, settled);
    void settled.then(() => {
      if (this.#writes.get(instanceId) === settled) this.#writes.delete(instanceId);
    });
    return next.then(() => undefined);
  }
}
