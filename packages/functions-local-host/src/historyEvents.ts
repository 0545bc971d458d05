/**
 * @module Orchestration history events in the shape the Durable extension sends to the worker
 * (PascalCase fields, numeric EventType), and the failure payloads of failed tasks.
 */

/** DurableTask history event types (durable-functions' HistoryEventType enum). */
export const HistoryEventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;

export type HistoryEventTypeValue = (typeof HistoryEventType)[keyof typeof HistoryEventType];

/** One history event; the extra fields depend on the type (TaskScheduledId, Result, Name, Input, ...). */
export interface HistoryEvent {
  readonly EventType: HistoryEventTypeValue;
  readonly EventId: number;
  readonly IsPlayed: boolean;
  /** ISO time; durable-functions turns it into a Date before replay. */
  readonly Timestamp: string;
  readonly [field: string]: unknown;
}

/** The FailureDetails payload of TaskFailed / SubOrchestrationInstanceFailed. */
export interface FailureDetails {
  readonly ErrorType: string;
  readonly ErrorMessage: string;
  readonly StackTrace?: string;
  readonly IsNonRetriable?: boolean;
  readonly Properties?: Record<string, unknown>;
}

export interface TaskFailure {
  readonly Reason: string;
  readonly Details: string;
  readonly FailureDetails?: FailureDetails;
}

const typeNames = new Map<number, string>(Object.entries(HistoryEventType).map(([name, value]) => [value, name]));

/** "TaskCompleted" for 5, and so on. */
export function historyEventTypeName(type: number): string {
  return typeNames.get(type) ?? `Unknown(${type})`;
}

/** A new event stamped with `time`; `EventId` is -1 unless the fields give one. */
export function createHistoryEvent(type: HistoryEventTypeValue, time: Date, fields: Record<string, unknown> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: time.toISOString(), ...fields };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * The failure of an activity as the extension reports it. When an exception-properties provider
 * is registered, durable-functions puts a JSON payload in the error message; its fields win.
 */
export function taskFailureFromError(error: unknown): TaskFailure {
  const asError = error instanceof Error ? error : new Error(typeof error === "string" ? error : JSON.stringify(error));
  let details: FailureDetails = { ErrorType: asError.name, ErrorMessage: asError.message, StackTrace: asError.stack };
  if (asError.message.startsWith("{")) {
    try {
      const payload: unknown = JSON.parse(asError.message);
      if (isRecord(payload) && typeof payload.errorType === "string" && typeof payload.errorMessage === "string") {
        details = {
          ErrorType: payload.errorType,
          ErrorMessage: payload.errorMessage,
          StackTrace: typeof payload.stackTrace === "string" ? payload.stackTrace : asError.stack,
          IsNonRetriable: payload.isNonRetriable === true,
          Properties: isRecord(payload.properties) ? payload.properties : undefined,
        };
      }
    } catch {
      // An ordinary message that happens to start with "{".
    }
  }
  return { Reason: details.ErrorMessage, Details: details.StackTrace ?? "", FailureDetails: details };
}
