/**
 * @module The local state folder (`.local-state`: the emulator's CA file, the durable store) belongs to
 * one `npm start` at a time: a second one must not wipe it from under the first.
 */

import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ClaimStateDirOptions {
  /** Keep what the last session left (in-flight runs resume) instead of starting clean. */
  keep: boolean;
  /** This process's id; the default is `process.pid`. */
  pid?: number;
}

/**
 * Takes the folder for this process, wiping it first unless `keep`, and returns a function that
 * gives it back. Throws, before touching anything, while another live process holds it.
 */
export function claimStateDir(dir: string, options: ClaimStateDirOptions): () => void {
  const pidFile = join(dir, "owner.pid");
  const holder = readPid(pidFile);
  const pid = options.pid ?? process.pid;
  if (holder !== undefined && holder !== pid && isAlive(holder)) {
    throw new Error(`${dir} is in use by another npm start (process ${holder}); stop it first, or run this one from another checkout`);
  }
  if (!options.keep) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(pidFile, String(pid));
  return () => {
    if (readPid(pidFile) === pid) rmSync(pidFile, { force: true });
  };
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
