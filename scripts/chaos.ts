/**
 * @module `npm run chaos`: the chaos suite (test/chaos) outside `npm test`. Without flags it runs the
 * bounded CI configuration once; `--long` soaks: more seeds, more rounds and more actions per round,
 * each seed bounded in time. `--seeds 1,2,3` picks the seeds. Prints each seed so a failure replays with
 * `CHAOS_SEED=<seed> npx vitest run test/chaos`.
 */

import { spawnSync } from "node:child_process";
import { join } from "node:path";

const LONG = { seeds: [20261123, 7, 99, 4242, 31337], rounds: 12, actions: 40, timeoutMs: 15 * 60_000 };
const SHORT = { seeds: [20261123], rounds: 4, actions: 14, timeoutMs: 120_000 };

function main(): number {
  const args = process.argv.slice(2);
  const unknown = args.filter((a, i) => a !== "--long" && a !== "--seeds" && args[i - 1] !== "--seeds");
  if (unknown.length > 0) {
    console.error(`Unknown argument(s) ${unknown.join(" ")}; usage: npm run chaos [-- --long] [--seeds 1,2,3]`);
    return 2;
  }
  const run = args.includes("--long") ? LONG : SHORT;
  const seedsArg = args[args.indexOf("--seeds") + 1];
  const seeds = args.includes("--seeds") ? (seedsArg ?? "").split(",").map(Number) : run.seeds;
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s))) {
    console.error(`--seeds ${seedsArg ?? ""}: expected comma-separated integers`);
    return 2;
  }
  const vitest = join(__dirname, "..", "node_modules", "vitest", "vitest.mjs");
  const failed: number[] = [];
  for (const seed of seeds) {
    console.log(`chaos: seed ${seed}, ${run.rounds} rounds of ${run.actions} actions (at most ${run.timeoutMs / 60_000} min)`);
    const result = spawnSync(process.execPath, [vitest, "run", "test/chaos"], {
      stdio: "inherit",
      env: { ...process.env, CHAOS_SEED: String(seed), CHAOS_ROUNDS: String(run.rounds), CHAOS_ACTIONS: String(run.actions), CHAOS_TIMEOUT_MS: String(run.timeoutMs) },
      timeout: run.timeoutMs + 60_000,
    });
    if (result.status !== 0) failed.push(seed);
  }
  console.log(failed.length === 0 ? `chaos: all ${seeds.length} seed(s) passed` : `chaos: failed seed(s) ${failed.join(", ")}; replay with CHAOS_SEED=<seed> npx vitest run test/chaos`);
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = main();
