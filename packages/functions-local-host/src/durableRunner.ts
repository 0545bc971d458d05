/**
 * @module Runs orchestrations through durable-functions' own replay code (schema V3) with
 * histories kept on disk, playing the part of the Durable Task backend: it schedules the
 * actions each replay returns (activities with DTFx retry semantics, durable timers, external
 * events, sub-orchestrations, continueAsNew) and feeds their results back as history events.
 *
 * Task ids must match the executor's sequence numbers. The executor numbers tasks as it meets
 * them while replaying history: new leaves of the cumulative action list in order, plus one id
 * for each retry timer (when a retryable task fails) and one for each re-execution (when that
 * timer fires with attempts left). Those retry steps never resume user code, so each batch of
 * new events puts them first; every id the batch's other events cause then follows in leaf order.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the typings of durable-functions internals must travel with this file to programs that compile it from source
/// <reference path="../types/durable-internals.d.ts" />
import { randomUUID } from "node:crypto";
import { DurableOrchestrationInput } from "durable-functions/lib/src/util/testingUtils.js";
import type { ConcurrencyLimiter } from "./concurrencyLimiter";
import { createConcurrencyLimiter } from "./concurrencyLimiter";
import type { FunctionRegistration } from "./functionsCoreShim";
import type { FailureDetails, HistoryEvent, HistoryEventTypeValue } from "./historyEvents";
import { createHistoryEvent, HistoryEventType, historyEventTypeName, taskFailureFromError } from "./historyEvents";
import { InstanceStore } from "./instanceStore";
import type { HostLogger, LogLevel } from "./logger";
import type { OrchestratorAction, RetryPolicy } from "./orchestratorActions";
import { flattenActions, retryDelayMs } from "./orchestratorActions";

export type RuntimeStatus = "Pending" | "Running" | "Completed" | "Failed" | "Terminated" | "ContinuedAsNew";

const runtimeStatuses: readonly RuntimeStatus[] = ["Pending", "Running", "Completed", "Failed", "Terminated", "ContinuedAsNew"];

/** Calls a registered orchestrator (input: the orchestration trigger) or activity (input: its argument). */
export type DurableInvoker = (request: {
  readonly registration: FunctionRegistration;
  readonly kind: "orchestration" | "activity";
  readonly instanceId: string;
  readonly input: unknown;
}) => Promise<unknown>;

export interface DurableRunnerOptions {
  /** Histories live in `<stateDir>/instances/*.json`. */
  readonly stateDir: string;
  readonly orchestrators: ReadonlyMap<string, FunctionRegistration>;
  readonly activities: ReadonlyMap<string, FunctionRegistration>;
  readonly invoke: DurableInvoker;
  readonly logger: HostLogger;
  /** Activity executions running at once, host-wide. Default 16. */
  readonly maxConcurrentActivities?: number;
  /** Caps how long any durable timer (including retry back-off) really waits; unset means real time. */
  readonly maxTimerWaitMs?: number;
}

export interface InstanceStatus {
  readonly name: string;
  readonly instanceId: string;
  readonly runtimeStatus: RuntimeStatus;
  readonly input: unknown;
  readonly customStatus: unknown;
  readonly output: unknown;
  readonly createdTime: string;
  readonly lastUpdatedTime: string;
  readonly historyEvents?: readonly Record<string, unknown>[];
}

export interface GetStatusOptions {
  readonly showHistory?: boolean;
  readonly showHistoryOutput?: boolean;
  readonly showInput?: boolean;
}

export interface InstanceQuery {
  readonly runtimeStatus?: readonly RuntimeStatus[];
  readonly createdTimeFrom?: Date;
  readonly createdTimeTo?: Date;
  readonly instanceIdPrefix?: string;
  readonly showInput?: boolean;
}

export type StartNewResult =
  | { readonly kind: "started"; readonly instanceId: string }
  | { readonly kind: "conflict"; readonly instanceId: string; readonly runtimeStatus: RuntimeStatus };

/** accepted: done; notFound: no such instance; gone: the instance already finished. */
export type InstanceOperationResult = "accepted" | "notFound" | "gone";

export type PurgeResult = "purged" | "notFound" | "notTerminal";

interface RetrySource {
  readonly kind: "activity" | "subOrchestration";
  readonly functionName: string;
  readonly input: unknown;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  readonly retry: RetryPolicy;
  readonly explicitInstanceId?: string;
}

interface PendingActivity {
  readonly kind: "activity";
  readonly id: number;
  readonly functionName: string;
  readonly input: unknown;
  readonly attempt: number;
  readonly retry?: RetryPolicy;
}

interface PendingTimer {
  readonly kind: "timer";
  readonly id: number;
  readonly fireAt: string;
  readonly retryOf?: RetrySource;
}

interface PendingSubOrchestration {
  readonly kind: "subOrchestration";
  readonly id: number;
  readonly functionName: string;
  readonly instanceId: string;
  readonly input: unknown;
  readonly attempt: number;
  readonly retry?: RetryPolicy;
  readonly explicitInstanceId?: string;
}

type PendingWork = PendingActivity | PendingTimer | PendingSubOrchestration;

interface ParentLink {
  readonly instanceId: string;
  readonly executionId: string;
  readonly taskScheduledId: number;
}

/** The persisted document of one instance. */
interface InstanceRecord {
  readonly version: 1;
  readonly instanceId: string;
  readonly name: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  readonly createdTime: string;
  lastUpdatedTime: string;
  readonly parent?: ParentLink;
  /** The current execution's history, as replayed. */
  history: HistoryEvent[];
  /** Events received since the last replay. */
  inbox: HistoryEvent[];
  /** Work in flight: re-dispatched after a restart (activities are re-run). */
  pending: PendingWork[];
  /** Retry state of failed retryable tasks and of fired retry timers, keyed by their task id. */
  retrySources: Record<string, RetrySource>;
  /** The next task id, in lock-step with the executor's sequence number. */
  nextId: number;
  /** The task id of each leaf of the cumulative action list (null for leaves without one). */
  leafIds: (number | null)[];
}

interface LiveInstance {
  record: InstanceRecord;
  chain: Promise<void>;
  episodeQueued: boolean;
  readonly timers: Map<number, { handle: NodeJS.Timeout; due: number }>;
}

interface OrchestratorStateLike {
  readonly isDone: boolean;
  readonly actions: unknown;
  readonly output?: unknown;
  readonly customStatus?: unknown;
}

type TaskOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly failure: TaskFailureEvent };

interface TaskFailureEvent {
  readonly Reason: string;
  readonly Details: string;
  readonly FailureDetails?: FailureDetails;
}

const terminal = new Set<RuntimeStatus>(["Completed", "Failed", "Terminated"]);
const outOfProcDataMarker = "$OutOfProcData$:";
// Timers are never split by the library: the runner waits any length itself.
const maximumShortTimerDuration = "3650.00:00:00";
const longRunningTimerInterval = "3.00:00:00";
const replaySchemaV3 = 2;
const maxTimeout = 2_147_483_647;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isTerminal(status: RuntimeStatus): boolean {
  return terminal.has(status);
}

/** The status times as the extension formats them (seconds precision, UTC). */
function statusTime(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

function parseJsonText(text: string | undefined): unknown {
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

function isInstanceRecord(value: unknown): value is InstanceRecord {
  return (
    isRecord(value) &&
    value.version === 1 &&
    typeof value.instanceId === "string" &&
    typeof value.name === "string" &&
    typeof value.executionId === "string" &&
    runtimeStatuses.includes(value.runtimeStatus as RuntimeStatus) &&
    Array.isArray(value.history) &&
    Array.isArray(value.inbox) &&
    Array.isArray(value.pending) &&
    Array.isArray(value.leafIds) &&
    isRecord(value.retrySources) &&
    typeof value.nextId === "number"
  );
}

/** Instance ids follow the Durable Task rules: 1-256 characters, none of / \ # ? or control characters. */
export function validateInstanceId(instanceId: string): void {
  // eslint-disable-next-line no-control-regex
  if (instanceId.length === 0 || instanceId.length > 256 || /[/\\#?\u0000-\u001f\u007f]/.test(instanceId)) {
    throw new TypeError(`Invalid instance id ${JSON.stringify(instanceId)}: expected 1-256 characters without / \\ # ? or control characters`);
  }
}

/** The message of a failed replay: the executor throws with its state appended after a marker. */
function orchestrationFailure(error: unknown): { message: string; customStatus?: unknown } {
  const text = error instanceof Error ? error.message : String(error);
  const at = text.indexOf(outOfProcDataMarker);
  if (at < 0) return { message: text };
  try {
    const data: unknown = JSON.parse(text.slice(at + outOfProcDataMarker.length));
    if (isRecord(data) && typeof data.error === "string") return { message: data.error, customStatus: data.customStatus };
  } catch {
    // Fall through to the text before the marker.
  }
  return { message: text.slice(0, at).trim() };
}

function toOrchestratorState(value: unknown, name: string): OrchestratorStateLike {
  if (!isRecord(value) || typeof value.isDone !== "boolean" || !Array.isArray(value.actions)) {
    throw new TypeError(`Orchestrator '${name}' did not return an orchestrator state; is it registered with df.app.orchestration?`);
  }
  return value as unknown as OrchestratorStateLike;
}

function describeHistoryEvent(event: HistoryEvent, showOutput: boolean): Record<string, unknown> {
  const { EventType, IsPlayed: _played, Result, ...rest } = event;
  return { EventType: historyEventTypeName(EventType), ...rest, ...(showOutput && Result !== undefined ? { Result } : {}) };
}

/** Plays the Durable Task backend for the orchestrations of one app. */
export class DurableRunner {
  readonly #store: InstanceStore<InstanceRecord>;
  readonly #instances = new Map<string, LiveInstance>();
  readonly #options: DurableRunnerOptions;
  readonly #limiter: ConcurrencyLimiter;
  #inFlight = 0;
  #closed = false;

  constructor(options: DurableRunnerOptions) {
    this.#options = options;
    this.#store = new InstanceStore<InstanceRecord>(options.stateDir);
    this.#limiter = createConcurrencyLimiter(options.maxConcurrentActivities ?? 16);
  }

  /** Loads persisted instances and resumes every one that had not finished. */
  async start(): Promise<void> {
    await this.#store.ensureDirectory();
    const records = await this.#store.loadAll(isInstanceRecord, (file, reason) =>
      this.#log("warning", `Skipping unreadable instance file ${file}: ${reason}`),
    );
    for (const record of records) this.#instances.set(record.instanceId, this.#live(record));
    const resumable = [...this.#instances.values()].filter((live) => !isTerminal(live.record.runtimeStatus));
    if (resumable.length > 0) this.#log("information", `Resuming ${resumable.length} in-flight orchestration(s) from ${this.#store.directory}`);
    for (const live of resumable) {
      for (const work of live.record.pending) this.#dispatch(live, work);
      if (live.record.inbox.length > 0) this.#scheduleEpisode(live);
    }
  }

  /** Stops scheduling: timers are cleared, running activities are abandoned (their results are dropped). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const live of this.#instances.values()) this.#clearTimers(live);
    await Promise.allSettled([...this.#instances.values()].map((live) => live.chain));
    await this.#store.flush();
  }

  /** Starts `name`; an instance with the same id that is still Pending/Running is a conflict, as in the extension. */
  async startNew(name: string, instanceId: string | undefined, inputJson: string | undefined): Promise<StartNewResult> {
    if (this.#closed) throw new Error("The durable runner is closed");
    if (!this.#options.orchestrators.has(name)) {
      const known = [...this.#options.orchestrators.keys()].join(", ") || "none";
      throw new RangeError(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function. Orchestrators: ${known}`);
    }
    const id = instanceId ?? randomUUID().replace(/-/g, "");
    validateInstanceId(id);
    if (inputJson !== undefined) JSON.parse(inputJson);
    const existing = this.#instances.get(id);
    if (existing && !isTerminal(existing.record.runtimeStatus)) {
      return { kind: "conflict", instanceId: id, runtimeStatus: existing.record.runtimeStatus };
    }
    const live = this.#createInstance(name, id, inputJson, undefined);
    this.#log("debug", `Scheduled orchestration '${name}'`, live.record);
    await this.#save(live);
    this.#scheduleEpisode(live);
    return { kind: "started", instanceId: id };
  }

  getStatus(instanceId: string, options: GetStatusOptions = {}): InstanceStatus | undefined {
    const live = this.#instances.get(instanceId);
    return live ? this.#toStatus(live.record, options) : undefined;
  }

  listInstances(query: InstanceQuery = {}): InstanceStatus[] {
    return [...this.#instances.values()]
      .map((live) => live.record)
      .filter((record) => this.#matches(record, query))
      .sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.instanceId.localeCompare(b.instanceId))
      .map((record) => this.#toStatus(record, { showInput: query.showInput ?? true }));
  }

  /** Appends an EventRaised event; events the orchestrator is not yet waiting for stay buffered in its history. */
  async raiseEvent(instanceId: string, eventName: string, dataJson: string | undefined): Promise<InstanceOperationResult> {
    const live = this.#instances.get(instanceId);
    if (!live) return "notFound";
    if (isTerminal(live.record.runtimeStatus)) return "gone";
    if (dataJson !== undefined) JSON.parse(dataJson);
    live.record.inbox.push(createHistoryEvent(HistoryEventType.EventRaised, new Date(), { Name: eventName, Input: dataJson }));
    this.#log("debug", `Received external event '${eventName}'`, live.record);
    await this.#save(live);
    this.#scheduleEpisode(live);
    return "accepted";
  }

  async terminate(instanceId: string, reason: string | undefined): Promise<InstanceOperationResult> {
    const live = this.#instances.get(instanceId);
    if (!live) return "notFound";
    if (isTerminal(live.record.runtimeStatus)) return "gone";
    await this.#finish(live, "Terminated", reason ?? null, reason);
    return "accepted";
  }

  async purge(instanceId: string): Promise<PurgeResult> {
    const live = this.#instances.get(instanceId);
    if (!live) return "notFound";
    if (!isTerminal(live.record.runtimeStatus)) return "notTerminal";
    this.#instances.delete(instanceId);
    this.#clearTimers(live);
    await this.#store.delete(instanceId);
    return "purged";
  }

  /** Purges finished instances matching `query`; returns how many. */
  async purgeInstances(query: InstanceQuery): Promise<number> {
    const matching = [...this.#instances.values()].filter((live) => isTerminal(live.record.runtimeStatus) && this.#matches(live.record, query));
    for (const live of matching) await this.purge(live.record.instanceId);
    return matching.length;
  }

  /**
   * What is still going on: queued or running replays, activities, and durable timers due
   * within `horizonMs`. Empty when idle.
   */
  busyReasons(horizonMs: number): string[] {
    const reasons: string[] = [];
    if (this.#inFlight > 0) reasons.push(`${this.#inFlight} orchestration step(s) in flight`);
    if (this.#limiter.active + this.#limiter.queued > 0) reasons.push(`${this.#limiter.active + this.#limiter.queued} activity execution(s)`);
    const horizon = Date.now() + horizonMs;
    for (const live of this.#instances.values()) {
      for (const [id, timer] of live.timers) {
        if (timer.due <= horizon) reasons.push(`durable timer ${id} of ${live.record.instanceId} due at ${new Date(timer.due).toISOString()}`);
      }
    }
    return reasons;
  }

  #live(record: InstanceRecord): LiveInstance {
    return { record, chain: Promise.resolve(), episodeQueued: false, timers: new Map() };
  }

  #createInstance(name: string, instanceId: string, inputJson: string | undefined, parent: ParentLink | undefined): LiveInstance {
    const previous = this.#instances.get(instanceId);
    if (previous) this.#clearTimers(previous);
    const now = new Date();
    const executionId = randomUUID();
    const record: InstanceRecord = {
      version: 1,
      instanceId,
      name,
      executionId,
      runtimeStatus: "Pending",
      input: parseJsonText(inputJson) ?? null,
      output: null,
      customStatus: null,
      createdTime: now.toISOString(),
      lastUpdatedTime: now.toISOString(),
      parent,
      history: [],
      inbox: [this.#executionStarted(name, instanceId, executionId, inputJson, parent, now)],
      pending: [],
      retrySources: {},
      nextId: 0,
      leafIds: [],
    };
    const live = this.#live(record);
    if (previous) live.chain = previous.chain;
    this.#instances.set(instanceId, live);
    return live;
  }

  #executionStarted(name: string, instanceId: string, executionId: string, inputJson: string | undefined, parent: ParentLink | undefined, now: Date): HistoryEvent {
    return createHistoryEvent(HistoryEventType.ExecutionStarted, now, {
      Name: name,
      Input: inputJson,
      OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
      ParentInstance: parent ? { OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId }, TaskScheduleId: parent.taskScheduledId } : undefined,
    });
  }

  #scheduleEpisode(live: LiveInstance): void {
    if (live.episodeQueued || this.#closed) return;
    live.episodeQueued = true;
    this.#inFlight++;
    live.chain = live.chain
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(async () => {
        live.episodeQueued = false;
        await this.#runEpisode(live);
      })
      .catch((error: unknown) => this.#log("error", `Orchestration step failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, live.record))
      .finally(() => {
        this.#inFlight--;
      });
  }

  #isCurrent(live: LiveInstance, executionId: string): boolean {
    return !this.#closed && this.#instances.get(live.record.instanceId) === live && live.record.executionId === executionId && !isTerminal(live.record.runtimeStatus);
  }

  /** Retry steps go first in a batch (they take ids without resuming user code); ExecutionStarted leads. */
  #orderBatch(record: InstanceRecord): HistoryEvent[] {
    const started: HistoryEvent[] = [];
    const retrySteps: HistoryEvent[] = [];
    const others: HistoryEvent[] = [];
    for (const event of record.inbox) {
      if (event.EventType === HistoryEventType.ExecutionStarted) started.push(event);
      else if (this.#isRetryStep(record, event)) retrySteps.push(event);
      else others.push(event);
    }
    return [...started, ...retrySteps, ...others];
  }

  #isRetryStep(record: InstanceRecord, event: HistoryEvent): boolean {
    if (event.EventType === HistoryEventType.TaskFailed || event.EventType === HistoryEventType.SubOrchestrationInstanceFailed) {
      return record.retrySources[String(event.TaskScheduledId)] !== undefined;
    }
    if (event.EventType === HistoryEventType.TimerFired) {
      const source = record.retrySources[String(event.TimerId)];
      return source !== undefined && source.attempt < source.retry.maxNumberOfAttempts;
    }
    return false;
  }

  /** Takes the ids the executor takes for a retry step, recording the timer or the re-execution. */
  #applyRetryStep(record: InstanceRecord, event: HistoryEvent, now: Date, appended: HistoryEvent[], newWork: PendingWork[]): void {
    const failed = event.EventType === HistoryEventType.TaskFailed || event.EventType === HistoryEventType.SubOrchestrationInstanceFailed;
    const key = String(failed ? event.TaskScheduledId : event.TimerId);
    const source = record.retrySources[key];
    if (!source) return;
    delete record.retrySources[key];
    if (failed) {
      // The library waits on a timer after every failure, the last one included; only that last one is immediate.
      const id = record.nextId++;
      const again = source.attempt < source.retry.maxNumberOfAttempts;
      const fireAt = new Date(now.getTime() + (again ? retryDelayMs(source.retry, source.attempt) : 0)).toISOString();
      appended.push(createHistoryEvent(HistoryEventType.TimerCreated, now, { EventId: id, FireAt: fireAt }));
      newWork.push({ kind: "timer", id, fireAt, retryOf: source });
    } else if (source.attempt < source.retry.maxNumberOfAttempts) {
      const id = record.nextId++;
      const attempt = source.attempt + 1;
      if (source.kind === "activity") {
        appended.push(createHistoryEvent(HistoryEventType.TaskScheduled, now, { EventId: id, Name: source.functionName }));
        newWork.push({ kind: "activity", id, functionName: source.functionName, input: source.input, attempt, retry: source.retry });
      } else {
        const instanceId = source.explicitInstanceId ?? `${record.instanceId}:${id}`;
        appended.push(createHistoryEvent(HistoryEventType.SubOrchestrationInstanceCreated, now, { EventId: id, Name: source.functionName, InstanceId: instanceId }));
        newWork.push({ kind: "subOrchestration", id, functionName: source.functionName, instanceId, input: source.input, attempt, retry: source.retry, explicitInstanceId: source.explicitInstanceId });
      }
    }
  }

  async #runEpisode(live: LiveInstance): Promise<void> {
    const record = live.record;
    const executionId = record.executionId;
    if (!this.#isCurrent(live, executionId) || record.inbox.length === 0) return;
    const registration = this.#options.orchestrators.get(record.name);
    if (!registration) {
      await this.#fail(live, `The orchestrator function '${record.name}' is not registered in this app`);
      return;
    }
    const now = new Date();
    const batch = this.#orderBatch(record);
    record.inbox = [];
    const appended: HistoryEvent[] = [createHistoryEvent(HistoryEventType.OrchestratorStarted, now)];
    const newWork: PendingWork[] = [];
    for (const event of batch) {
      appended.push(event);
      this.#applyRetryStep(record, event, now, appended, newWork);
    }
    record.history.push(...appended);
    record.pending.push(...newWork);

    const started = record.history.find((event) => event.EventType === HistoryEventType.ExecutionStarted);
    const trigger = new DurableOrchestrationInput(
      record.instanceId,
      JSON.parse(JSON.stringify(record.history)) as unknown[],
      parseJsonText(typeof started?.Input === "string" ? started.Input : undefined),
      longRunningTimerInterval,
      maximumShortTimerDuration,
      30_000,
      replaySchemaV3,
      false,
      record.parent?.instanceId ?? "",
    );
    if (record.runtimeStatus !== "Running") {
      record.runtimeStatus = "Running";
      this.#log("debug", `Orchestration '${record.name}' is running`, record);
    }

    let state: OrchestratorStateLike;
    try {
      state = toOrchestratorState(await this.#options.invoke({ registration, kind: "orchestration", instanceId: record.instanceId, input: trigger }), record.name);
    } catch (error) {
      if (!this.#isCurrent(live, executionId)) return;
      const failure = orchestrationFailure(error);
      if (failure.customStatus !== undefined) record.customStatus = failure.customStatus;
      await this.#fail(live, failure.message);
      return;
    }
    if (!this.#isCurrent(live, executionId)) return;
    if (state.customStatus !== undefined) record.customStatus = state.customStatus;

    let leaves: OrchestratorAction[];
    try {
      leaves = flattenActions(state.actions);
    } catch (error) {
      await this.#fail(live, error instanceof Error ? error.message : String(error));
      return;
    }
    for (const leaf of leaves.slice(record.leafIds.length)) {
      if (leaf.kind === "unsupported") {
        await this.#fail(live, `The local host does not support the durable action '${leaf.typeName}' (actionType ${leaf.actionType}) used by orchestrator '${record.name}'.`);
        return;
      }
    }

    if (state.isDone) {
      const last = leaves[leaves.length - 1];
      if (last?.kind === "continueAsNew") await this.#continueAsNew(live, last.input, leaves);
      else await this.#finish(live, "Completed", state.output ?? null, undefined);
      return;
    }

    const scheduled: HistoryEvent[] = [];
    for (const leaf of leaves.slice(record.leafIds.length)) {
      if (leaf.kind === "activity") {
        const id = record.nextId++;
        record.leafIds.push(id);
        scheduled.push(createHistoryEvent(HistoryEventType.TaskScheduled, now, { EventId: id, Name: leaf.functionName, Input: JSON.stringify(leaf.input) }));
        newWork.push({ kind: "activity", id, functionName: leaf.functionName, input: leaf.input, attempt: 1, retry: leaf.retry });
      } else if (leaf.kind === "subOrchestration") {
        const id = record.nextId++;
        record.leafIds.push(id);
        const instanceId = leaf.instanceId ?? `${record.instanceId}:${id}`;
        scheduled.push(createHistoryEvent(HistoryEventType.SubOrchestrationInstanceCreated, now, { EventId: id, Name: leaf.functionName, InstanceId: instanceId, Input: JSON.stringify(leaf.input) }));
        newWork.push({ kind: "subOrchestration", id, functionName: leaf.functionName, instanceId, input: leaf.input, attempt: 1, retry: leaf.retry, explicitInstanceId: leaf.instanceId });
      } else if (leaf.kind === "timer") {
        const id = record.nextId++;
        record.leafIds.push(id);
        scheduled.push(createHistoryEvent(HistoryEventType.TimerCreated, now, { EventId: id, FireAt: leaf.fireAt }));
        if (!leaf.isCanceled) newWork.push({ kind: "timer", id, fireAt: leaf.fireAt });
      } else {
        record.leafIds.push(null);
      }
    }
    record.pending.push(...newWork.filter((work) => !record.pending.includes(work)));
    this.#cancelTimers(live, leaves);
    record.history.push(...scheduled, createHistoryEvent(HistoryEventType.OrchestratorCompleted, now));
    record.lastUpdatedTime = now.toISOString();
    await this.#save(live);
    for (const work of newWork) this.#dispatch(live, work);
    if (record.inbox.length > 0) this.#scheduleEpisode(live);
  }

  /** Timers the orchestrator cancelled (e.g. the loser of Task.any) never fire. */
  #cancelTimers(live: LiveInstance, leaves: readonly OrchestratorAction[]): void {
    leaves.forEach((leaf, index) => {
      const id = live.record.leafIds[index];
      if (leaf.kind !== "timer" || !leaf.isCanceled || id === null || id === undefined) return;
      live.record.pending = live.record.pending.filter((work) => !(work.kind === "timer" && work.id === id));
      const timer = live.timers.get(id);
      if (timer) clearTimeout(timer.handle);
      live.timers.delete(id);
    });
  }

  #dispatch(live: LiveInstance, work: PendingWork): void {
    const executionId = live.record.executionId;
    if (work.kind === "activity") this.#runActivity(live, work, executionId);
    else if (work.kind === "timer") this.#armTimer(live, work, executionId);
    else this.#track(this.#startSubOrchestration(live, work, executionId));
  }

  #track(task: Promise<void>): void {
    this.#inFlight++;
    void task
      .catch((error: unknown) => this.#log("error", `Durable work failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))
      .finally(() => {
        this.#inFlight--;
      });
  }

  #runActivity(live: LiveInstance, work: PendingActivity, executionId: string): void {
    const instanceId = live.record.instanceId;
    const run = async (): Promise<TaskOutcome> => {
      const registration = this.#options.activities.get(work.functionName);
      if (!registration) {
        const message = `The function '${work.functionName}' doesn't exist, is disabled, or is not an activity function.`;
        return { ok: false, failure: { Reason: message, Details: "", FailureDetails: { ErrorType: "FunctionNotFound", ErrorMessage: message } } };
      }
      const retrySuffix = work.retry ? ` (attempt ${work.attempt} of ${work.retry.maxNumberOfAttempts})` : "";
      this.#log("debug", `Executing activity '${work.functionName}'${retrySuffix}`, live.record);
      try {
        const result = await this.#options.invoke({ registration, kind: "activity", instanceId, input: work.input });
        JSON.stringify(result);
        return { ok: true, result };
      } catch (error) {
        const failure = taskFailureFromError(error);
        this.#log("warning", `Activity '${work.functionName}' failed${retrySuffix}: ${failure.FailureDetails?.ErrorType ?? "Error"}: ${failure.Reason}`, live.record);
        return { ok: false, failure };
      }
    };
    this.#track(
      this.#limiter.run(async () => (this.#isCurrent(live, executionId) ? run() : undefined)).then(async (outcome) => {
        if (outcome) await this.#completeTask(live, work, executionId, outcome);
      }),
    );
  }

  /** Records an activity or sub-orchestration result in the inbox and wakes the orchestrator. */
  async #completeTask(live: LiveInstance, work: PendingActivity | PendingSubOrchestration, executionId: string, outcome: TaskOutcome): Promise<void> {
    if (!this.#isCurrent(live, executionId)) return;
    const record = live.record;
    const index = record.pending.findIndex((pending) => pending.kind === work.kind && pending.id === work.id);
    if (index < 0) return;
    record.pending.splice(index, 1);
    const now = new Date();
    const activity = work.kind === "activity";
    if (outcome.ok) {
      const type = activity ? HistoryEventType.TaskCompleted : HistoryEventType.SubOrchestrationInstanceCompleted;
      record.inbox.push(createHistoryEvent(type, now, { TaskScheduledId: work.id, Result: JSON.stringify(outcome.result) ?? "null" }));
    } else {
      const type: HistoryEventTypeValue = activity ? HistoryEventType.TaskFailed : HistoryEventType.SubOrchestrationInstanceFailed;
      record.inbox.push(createHistoryEvent(type, now, { TaskScheduledId: work.id, ...outcome.failure }));
      if (work.retry) {
        record.retrySources[String(work.id)] = {
          kind: work.kind,
          functionName: work.functionName,
          input: work.input,
          attempt: work.attempt,
          retry: work.retry,
          explicitInstanceId: work.kind === "subOrchestration" ? work.explicitInstanceId : undefined,
        };
      }
    }
    await this.#save(live);
    this.#scheduleEpisode(live);
  }

  #armTimer(live: LiveInstance, work: PendingTimer, executionId: string): void {
    const cap = this.#options.maxTimerWaitMs;
    const wait = Math.max(0, Date.parse(work.fireAt) - Date.now());
    const due = Date.now() + (cap !== undefined ? Math.min(wait, cap) : wait);
    const arm = (): void => {
      const remaining = due - Date.now();
      if (remaining > 0) {
        live.timers.set(work.id, { handle: setTimeout(arm, Math.min(remaining, maxTimeout)), due });
        return;
      }
      live.timers.delete(work.id);
      this.#track(this.#fireTimer(live, work, executionId));
    };
    live.timers.set(work.id, { handle: setTimeout(arm, Math.min(Math.max(0, due - Date.now()), maxTimeout)), due });
  }

  async #fireTimer(live: LiveInstance, work: PendingTimer, executionId: string): Promise<void> {
    if (!this.#isCurrent(live, executionId)) return;
    const record = live.record;
    const index = record.pending.findIndex((pending) => pending.kind === "timer" && pending.id === work.id);
    if (index < 0) return;
    record.pending.splice(index, 1);
    record.inbox.push(createHistoryEvent(HistoryEventType.TimerFired, new Date(), { TimerId: work.id, FireAt: work.fireAt }));
    if (work.retryOf) record.retrySources[String(work.id)] = work.retryOf;
    await this.#save(live);
    this.#scheduleEpisode(live);
  }

  async #startSubOrchestration(parent: LiveInstance, work: PendingSubOrchestration, executionId: string): Promise<void> {
    if (!this.#isCurrent(parent, executionId)) return;
    const link: ParentLink = { instanceId: parent.record.instanceId, executionId, taskScheduledId: work.id };
    const existing = this.#instances.get(work.instanceId);
    const ours = existing?.record.parent;
    if (existing && ours && ours.instanceId === link.instanceId && ours.executionId === link.executionId && ours.taskScheduledId === link.taskScheduledId) {
      if (isTerminal(existing.record.runtimeStatus)) await this.#notifyParent(existing);
      return;
    }
    const refuse = async (message: string): Promise<void> =>
      this.#completeTask(parent, work, executionId, { ok: false, failure: { Reason: message, Details: "", FailureDetails: { ErrorType: "SubOrchestrationNotStarted", ErrorMessage: message } } });
    if (!this.#options.orchestrators.has(work.functionName)) {
      await refuse(`The function '${work.functionName}' doesn't exist, is disabled, or is not an orchestrator function.`);
      return;
    }
    try {
      validateInstanceId(work.instanceId);
    } catch (error) {
      await refuse(error instanceof Error ? error.message : String(error));
      return;
    }
    if (existing && !isTerminal(existing.record.runtimeStatus)) {
      await refuse(`An orchestration with instance ID '${work.instanceId}' already exists and is ${existing.record.runtimeStatus}.`);
      return;
    }
    const child = this.#createInstance(work.functionName, work.instanceId, work.input === undefined ? undefined : JSON.stringify(work.input), link);
    this.#log("debug", `Scheduled sub-orchestration '${work.functionName}' (${work.instanceId})`, parent.record);
    await this.#save(child);
    this.#scheduleEpisode(child);
  }

  /** Tells the parent (if it still waits for this child) how the child ended. */
  async #notifyParent(child: LiveInstance): Promise<void> {
    const link = child.record.parent;
    if (!link) return;
    const parent = this.#instances.get(link.instanceId);
    if (!parent || parent.record.executionId !== link.executionId) return;
    const work = parent.record.pending.find(
      (pending): pending is PendingSubOrchestration => pending.kind === "subOrchestration" && pending.id === link.taskScheduledId && pending.instanceId === child.record.instanceId,
    );
    if (!work) return;
    const { runtimeStatus, output, name, instanceId } = child.record;
    if (runtimeStatus === "Completed") {
      await this.#completeTask(parent, work, link.executionId, { ok: true, result: output });
      return;
    }
    const message =
      runtimeStatus === "Terminated"
        ? `Orchestrator function '${name}' (instance '${instanceId}') was terminated: ${typeof output === "string" ? output : "no reason given"}`
        : typeof output === "string"
          ? output
          : `Orchestrator function '${name}' failed`;
    await this.#completeTask(parent, work, link.executionId, {
      ok: false,
      failure: { Reason: message, Details: "", FailureDetails: { ErrorType: "OrchestrationFailure", ErrorMessage: message } },
    });
  }

  async #continueAsNew(live: LiveInstance, input: unknown, leaves: readonly OrchestratorAction[]): Promise<void> {
    const record = live.record;
    const now = new Date();
    // As the extension does for JavaScript (preserveUnprocessedEvents=false): events the old
    // execution received but never awaited are dropped; events not yet delivered move on.
    const carried = record.inbox.filter((event) => event.EventType === HistoryEventType.EventRaised);
    const dropped = this.#unawaitedEvents(record.history, leaves);
    if (dropped > 0) this.#log("information", `continueAsNew drops ${dropped} external event(s) the execution received but never awaited`, record);
    this.#clearTimers(live);
    const executionId = randomUUID();
    const inputJson = input === undefined ? undefined : JSON.stringify(input);
    record.runtimeStatus = "ContinuedAsNew";
    record.executionId = executionId;
    record.input = input ?? null;
    record.output = null;
    record.history = [];
    record.pending = [];
    record.retrySources = {};
    record.nextId = 0;
    record.leafIds = [];
    record.inbox = [this.#executionStarted(record.name, record.instanceId, executionId, inputJson, record.parent, now), ...carried];
    record.lastUpdatedTime = now.toISOString();
    this.#log("information", `Orchestration '${record.name}' continued as new`, record);
    await this.#save(live);
    this.#scheduleEpisode(live);
  }

  #unawaitedEvents(history: readonly HistoryEvent[], leaves: readonly OrchestratorAction[]): number {
    const balance = new Map<string, number>();
    for (const event of history) {
      if (event.EventType === HistoryEventType.EventRaised && typeof event.Name === "string") balance.set(event.Name, (balance.get(event.Name) ?? 0) + 1);
    }
    for (const leaf of leaves) {
      if (leaf.kind === "waitForEvent") balance.set(leaf.name, (balance.get(leaf.name) ?? 0) - 1);
    }
    let dropped = 0;
    for (const count of balance.values()) dropped += Math.max(0, count);
    return dropped;
  }

  async #fail(live: LiveInstance, message: string): Promise<void> {
    await this.#finish(live, "Failed", `Orchestrator function '${live.record.name}' failed: ${message}`, message);
  }

  async #finish(live: LiveInstance, status: "Completed" | "Failed" | "Terminated", output: unknown, detail: string | undefined): Promise<void> {
    const record = live.record;
    const now = new Date();
    this.#clearTimers(live);
    record.pending = [];
    record.inbox = [];
    record.retrySources = {};
    record.runtimeStatus = status;
    record.output = output;
    record.lastUpdatedTime = now.toISOString();
    if (status === "Terminated") record.history.push(createHistoryEvent(HistoryEventType.ExecutionTerminated, now, { Input: detail }));
    record.history.push(createHistoryEvent(HistoryEventType.ExecutionCompleted, now, { OrchestrationStatus: status, Result: JSON.stringify(output) ?? "null" }));
    if (status === "Completed") this.#log("debug", `Orchestration '${record.name}' completed`, record);
    else if (status === "Failed") this.#log("error", `Orchestration '${record.name}' failed: ${detail ?? ""}`, record);
    else this.#log("warning", `Orchestration '${record.name}' terminated${detail ? `: ${detail}` : ""}`, record);
    await this.#save(live);
    await this.#notifyParent(live);
  }

  #clearTimers(live: LiveInstance): void {
    for (const timer of live.timers.values()) clearTimeout(timer.handle);
    live.timers.clear();
  }

  async #save(live: LiveInstance): Promise<void> {
    await this.#store.save(live.record);
  }

  #matches(record: InstanceRecord, query: InstanceQuery): boolean {
    if (query.runtimeStatus && query.runtimeStatus.length > 0 && !query.runtimeStatus.includes(record.runtimeStatus)) return false;
    const created = Date.parse(record.createdTime);
    if (query.createdTimeFrom && created < query.createdTimeFrom.getTime()) return false;
    if (query.createdTimeTo && created > query.createdTimeTo.getTime()) return false;
    if (query.instanceIdPrefix && !record.instanceId.startsWith(query.instanceIdPrefix)) return false;
    return true;
  }

  #toStatus(record: InstanceRecord, options: GetStatusOptions): InstanceStatus {
    return {
      name: record.name,
      instanceId: record.instanceId,
      runtimeStatus: record.runtimeStatus,
      input: options.showInput === false ? null : (record.input ?? null),
      customStatus: record.customStatus ?? null,
      output: record.output ?? null,
      createdTime: statusTime(record.createdTime),
      lastUpdatedTime: statusTime(record.lastUpdatedTime),
      ...(options.showHistory ? { historyEvents: record.history.map((event) => describeHistoryEvent(event, options.showHistoryOutput === true)) } : {}),
    };
  }

  #log(level: LogLevel, message: string, record?: InstanceRecord): void {
    this.#options.logger.log({ level, message, category: "durable", functionName: record?.name, instanceId: record?.instanceId });
  }
}
