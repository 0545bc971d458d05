/**
 * @module The benchmarks' Functions host, in a process of its own so its memory is the app's alone:
 * started with `fork`, it runs the local host on dist/functions (settings from the environment) and
 * answers the parent's requests over IPC: run a timer, wait for idle, report and reset peak memory (RSS, and
 * the heap and external memory at that moment), close.
 */

import { join, resolve } from "node:path";
import { startLocalHost } from "@privatelink-autopilot/functions-local-host";

export type HostRequest = { id: number; op: "runTimer"; name: string } | { id: number; op: "waitForIdle"; timeoutMs: number } | { id: number; op: "peakMemory" | "resetPeakMemory" | "close" };
/** `process.memoryUsage()` at the sample with the highest RSS: what the heap and external memory were then. */
export type PeakMemory = Pick<NodeJS.MemoryUsage, "rss" | "heapTotal" | "heapUsed" | "external" | "arrayBuffers">;
export type HostReply = { id: number; ok: true; value?: PeakMemory } | { id: number; ok: false; error: string };
export type HostReady = { ready: true; url: string };

async function main(): Promise<void> {
  const stateDir = process.argv[2];
  if (stateDir === undefined || process.send === undefined) throw new TypeError("usage: fork(hostProcess.js, [stateDir]) with an IPC channel");
  const host = await startLocalHost({ entry: join(resolve(__dirname, "..", ".."), "dist", "functions", "index.js"), port: 0, stateDir, logger: { log: () => undefined }, timers: false, maxTimerWaitMs: 20 });
  const sample = (): PeakMemory => {
    const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
    return { rss, heapTotal, heapUsed, external, arrayBuffers };
  };
  let peak = sample();
  const sampler = setInterval(() => {
    const now = sample();
    if (now.rss > peak.rss) peak = now;
  }, 10);
  const reply = (message: HostReply | HostReady): void => void process.send?.(message);
  process.on("message", (request: HostRequest) => {
    const run = async (): Promise<PeakMemory | undefined> => {
      switch (request.op) {
        case "runTimer":
          await host.runTimer(request.name);
          return undefined;
        case "waitForIdle":
          await host.waitForIdle({ timeoutMs: request.timeoutMs });
          return undefined;
        case "peakMemory": {
          const now = sample();
          return now.rss > peak.rss ? now : peak;
        }
        case "resetPeakMemory":
          peak = sample();
          return undefined;
        case "close":
          clearInterval(sampler);
          await host.close();
          setImmediate(() => process.disconnect());
          return undefined;
      }
    };
    run().then(
      (value) => reply(value === undefined ? { id: request.id, ok: true } : { id: request.id, ok: true, value }),
      (error: unknown) => reply({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  reply({ ready: true, url: host.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench host failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
