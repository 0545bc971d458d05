import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { claimStateDir } from "../../local/stateDir";

describe("claimStateDir (one npm start per .local-state)", () => {
  const dirs: string[] = [];
  const stateDir = () => {
    const parent = mkdtempSync(join(tmpdir(), "plautopilot-state-"));
    dirs.push(parent);
    return join(parent, ".local-state");
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("never wipes the folder of another live npm start, and says which process holds it", () => {
    const dir = stateDir();
    claimStateDir(dir, { keep: false });
    writeFileSync(join(dir, "emulator-ca.pem"), "first");
    // process.ppid: a live process that is not this one.
    writeFileSync(join(dir, "owner.pid"), String(process.ppid));
    expect(() => claimStateDir(dir, { keep: false })).toThrow(new RegExp(`in use by another npm start \\(process ${process.ppid}\\)`));
    expect(readFileSync(join(dir, "emulator-ca.pem"), "utf8")).toBe("first");
  });

  it("takes over the folder of a process that is gone, starting clean", () => {
    const dir = stateDir();
    claimStateDir(dir, { keep: false, pid: 2 ** 22 + 12345 });
    writeFileSync(join(dir, "emulator-ca.pem"), "stale");
    const release = claimStateDir(dir, { keep: false });
    expect(existsSync(join(dir, "emulator-ca.pem"))).toBe(false);
    expect(readFileSync(join(dir, "owner.pid"), "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(join(dir, "owner.pid"))).toBe(false);
  });

  it("keeps what the last session left with keep", () => {
    const dir = stateDir();
    claimStateDir(dir, { keep: false })();
    writeFileSync(join(dir, "durable.json"), "runs");
    claimStateDir(dir, { keep: true });
    expect(readFileSync(join(dir, "durable.json"), "utf8")).toBe("runs");
  });
});
