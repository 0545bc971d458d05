/**
 * @module The bounded retry for activities that call ARM. The SDK already retries throttling and
 * server errors within one attempt; this covers an activity that still fails (a host recycle, a long
 * outage). Permanent errors are returned as results by the activities, so they are not retried here.
 */

import * as df from "durable-functions";

export function armRetry(): df.RetryOptions {
  const retry = new df.RetryOptions(1_000, 3);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = 30_000;
  return retry;
}
