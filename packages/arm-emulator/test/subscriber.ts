/**
 * @module Test helper: a loopback Event Grid webhook that answers the validation handshake (Event
 * Grid schema) or the CloudEvents OPTIONS request, records every notification, and can fail
 * deliveries on purpose.
 */
import type { IncomingHttpHeaders, Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Subscriber {
  url: string;
  deliveries: Delivery[];
  handshakes: string[];
  /** Answer the next n notifications with 500. */
  failNext(n: number): void;
  close(): Promise<void>;
}

export interface SubscriberOptions {
  /** Echo a wrong code (Event Grid) or no allowed origin (CloudEvents). */
  refuseHandshake?: boolean;
}

export async function startSubscriber(options: SubscriberOptions = {}): Promise<Subscriber> {
  const deliveries: Delivery[] = [];
  const handshakes: string[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (req.method === "OPTIONS") {
        handshakes.push("OPTIONS");
        const origin = String(req.headers["webhook-request-origin"] ?? "");
        res.writeHead(200, options.refuseHandshake ? {} : { "WebHook-Allowed-Origin": origin, "WebHook-Allowed-Rate": "*" });
        res.end();
        return;
      }
      const body: unknown = text === "" ? undefined : JSON.parse(text);
      if (req.headers["aeg-event-type"] === "SubscriptionValidation") {
        handshakes.push("SubscriptionValidation");
        const events = body as { data: { validationCode: string } }[];
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ validationResponse: options.refuseHandshake ? "wrong" : events[0]?.data.validationCode }));
        return;
      }
      if (failures > 0) {
        failures--;
        res.writeHead(500);
        res.end();
        return;
      }
      deliveries.push({ headers: req.headers, body });
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/events`,
    deliveries,
    handshakes,
    failNext(n) {
      failures = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
