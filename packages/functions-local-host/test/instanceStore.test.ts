import fc from "fast-check";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InstanceStore, instanceFileName } from "../src/instanceStore";
import { createStateDir, removeStateDir } from "./helpers";

interface Doc {
  instanceId: string;
  value: number;
}

const isDoc = (value: unknown): value is Doc => typeof value === "object" && value !== null && typeof (value as Doc).instanceId === "string";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await removeStateDir(dir);
});

async function newStore(): Promise<{ store: InstanceStore<Doc>; dir: string }> {
  const dir = await createStateDir();
  dirs.push(dir);
  const store = new InstanceStore<Doc>(dir);
  await store.ensureDirectory();
  return { store, dir };
}

describe("InstanceStore", () => {
  it("keeps the last of several quick writes of one instance and leaves no temp files", async () => {
    const { store, dir } = await newStore();
    await Promise.all(Array.from({ length: 20 }, (_, value) => store.save({ instanceId: "a:1", value })));
    const loaded = await store.loadAll(isDoc, () => undefined);
    expect(loaded).toEqual([{ instanceId: "a:1", value: 19 }]);
    expect(await readdir(join(dir, "instances"))).toEqual([instanceFileName("a:1")]);
  });

  it("skips and reports files that are not instance documents", async () => {
    const { store, dir } = await newStore();
    await store.save({ instanceId: "good", value: 1 });
    await writeFile(join(dir, "instances", "broken.json"), "{ half");
    const reported: string[] = [];
    expect(await store.loadAll(isDoc, (file) => reported.push(file))).toEqual([{ instanceId: "good", value: 1 }]);
    expect(reported).toEqual(["broken.json"]);
  });

  it("deletes an instance's file", async () => {
    const { store } = await newStore();
    await store.save({ instanceId: "gone", value: 1 });
    await store.delete("gone");
    expect(await store.loadAll(isDoc, () => undefined)).toEqual([]);
  });
});

describe("instanceFileName", () => {
  it("gives distinct, portable file names to distinct instance ids", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), fc.string({ minLength: 1, maxLength: 300 }), (a, b) => {
        const nameA = instanceFileName(a);
        expect(nameA).toMatch(/^[A-Za-z0-9%._-]+\.json$/);
        expect(nameA.length).toBeLessThanOrEqual(200);
        if (a !== b) expect(instanceFileName(b)).not.toBe(nameA);
      }),
      { numRuns: 300 },
    );
  });
});
