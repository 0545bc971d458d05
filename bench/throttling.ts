/**
 * @module Benchmark 4, throttling: a bulk apply of 2,000 record writes in one subscription against the
 * emulator's ARM token bucket (writes: 200, refilled at 10/s). Counts the 429s the app drew (goal: zero,
 * because it paces its own writes) and compares the sweep's wall time with the bucket's own minimum
 * (goal: within 1.2x). A second, time-compressed pair of rows applies the same 2,000 writes directly
 * through the adapter with pacing on and off: the same comparison through the host
 * (`AUTOPILOT_ARM_WRITE_PACING=off`) would take minutes more.
 */

import { createArmClients, StaticTokenCredential } from "../shared/azure/clients";
import type { ArmClients } from "../shared/azure/clients";
import type { WritePacingLimits } from "../shared/azure/writePacer";
import { upsertARecord } from "../shared/azure/privateDns";
import type { DnsRecord } from "../shared/domain";
import type { Emulator } from "@privatelink-autopilot/arm-emulator";
import { DEFAULT_THROTTLING } from "@privatelink-autopilot/arm-emulator";
import { estate, HUB, OWNER, startBench, sweep, writesIn, ZONE } from "./benchStack";

const CHANGES = 2_000;
const ARM_WRITES: WritePacingLimits = { capacity: 200, refillPerSecond: 10 };
/** Reads keep ARM's own bucket (250, refilled at 25/s): they are not paced, so any read 429 would count too. */
const ARM_READS = { ...DEFAULT_THROTTLING.reads };
/** The direct comparison runs ten times faster than ARM's refill, so it costs seconds, not minutes. */
const FAST_WRITES: WritePacingLimits = { capacity: 200, refillPerSecond: 100 };
/** As many writes at once as the sweep has in flight: 8 batches of 4. */
const DIRECT_CONCURRENCY = 32;

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const minimumSeconds = (writes: number, limits: WritePacingLimits) => Math.max(0, writes - limits.capacity) / limits.refillPerSecond;

export interface ThrottlingFiguresOptions {
  /** Also apply the writes directly with pacing on and off (about 40 s more); default true. */
  compareDirect?: boolean;
}

/** Table rows: label, value, baseline, ratio or notes. */
export async function throttlingFigures(options: ThrottlingFiguresOptions = {}): Promise<string[][]> {
  const rows: string[][] = [];
  const row = (...cells: string[]) => void rows.push(cells);
  const bench = await startBench(estate(CHANGES, false), false, { throttling: true });
  try {
    const control = bench.emulator.control;
    control.setThrottling({ enabled: true, reads: ARM_READS, writes: ARM_WRITES, deletes: ARM_WRITES });
    control.resetCounters();
    const first = await sweep(bench);
    const counters = control.counters();
    const writes = writesIn(counters.operations);
    const owned = control.snapshot().recordSets.filter((r) => r.zoneName === ZONE && r.metadata["owner"] === OWNER).length;
    const minimum = minimumSeconds(CHANGES, ARM_WRITES);
    const seconds = first.ms / 1000;
    row(`429s, sweep writing ${CHANGES} A records (writes bucket 200 @ 10/s)`, `${counters.throttled}`, "goal 0", `reads bucket 250 @ 25/s, not paced; ${counters.total} ARM requests in all`);
    row(`  record writes in that sweep`, `${writes}`, `needed ${CHANGES}`, `${owned} owned A records in ${ZONE} afterwards`);
    row(`  sweep wall time`, `${fmt(seconds, 1)} s`, `bucket minimum ${fmt(minimum, 1)} s ((${CHANGES} - ${ARM_WRITES.capacity}) / ${ARM_WRITES.refillPerSecond})`, `ratio ${fmt(seconds / minimum, 2)}x (goal <= 1.2x); includes the sweep's reads`);

    if (options.compareDirect ?? true) {
      const minimumFast = minimumSeconds(CHANGES, FAST_WRITES);
      for (const paced of [true, false]) {
        control.setThrottling({ enabled: true, reads: ARM_READS, writes: FAST_WRITES, deletes: FAST_WRITES });
        control.resetCounters();
        const result = await directApply(bench.emulator, paced);
        const label = `direct apply, ${CHANGES} upsertARecord ${DIRECT_CONCURRENCY} at once, bucket 200 @ 100/s, pacing ${paced ? "on" : "off"}`;
        const failed = result.failed > 0 ? `; ${result.failed} failed after the SDK's retries` : "";
        row(label, `429s ${control.counters().throttled}, ${fmt(result.ms / 1000, 1)} s`, `bucket minimum ${fmt(minimumFast, 1)} s`, `ratio ${fmt(result.ms / 1000 / minimumFast, 2)}x; ${control.counters().total} requests${failed}`);
      }
    }
  } finally {
    await bench.close();
  }
  return rows;
}

/** Writes the records straight through the adapter from a fresh principal, a fixed number at a time. */
async function directApply(emulator: Emulator, paced: boolean): Promise<{ ms: number; failed: number }> {
  const tag = paced ? "paced" : "unpaced";
  const clients: ArmClients = createArmClients({
    endpoint: emulator.url,
    credential: new StaticTokenCredential(`bench-direct-${tag}`),
    ca: emulator.ca,
    writePacing: paced ? FAST_WRITES : false,
  });
  const zoneId = `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${ZONE}`;
  const record = (i: number): DnsRecord => ({
    zoneId,
    zone: ZONE,
    name: `direct-${tag}-${i}`,
    type: "A",
    ttl: 10,
    ipv4Addresses: [`10.99.${Math.floor(i / 250)}.${(i % 250) + 1}`],
    metadata: { managedBy: "privatelink-autopilot", owner: "bench-direct" },
  });
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < CHANGES) {
      const i = next++;
      await upsertARecord(clients, record(i), { ifNoneMatch: "*" }).catch(() => void failed++);
    }
  };
  await Promise.all(Array.from({ length: DIRECT_CONCURRENCY }, worker));
  return { ms: performance.now() - started, failed };
}
