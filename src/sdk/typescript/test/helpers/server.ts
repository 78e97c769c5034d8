// A local HTTP server standing in for the host's POST /v1/events: it records every request and answers
// what the test scripts, including failures (status codes, Retry-After, dropped connections).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: { events: Array<Record<string, unknown>> };
  at: number;
}

export type Answer =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | 'destroy' // drop the connection without answering: a network error for the client
  | 'hang'; // never answer: a timeout for the client

export type Responder = (request: Recorded, index: number) => Answer;

/** 200 with every event accepted. */
export const accept: Responder = (r) => ({ status: 200, body: { accepted: r.body.events.length, duplicates: 0, rejected: [] } });

export interface FakeHost {
  url: string;
  requests: Recorded[];
  /** The events of every request, in order (retries included). */
  events(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startFakeHost(respond: Responder = accept): Promise<FakeHost> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        at: Date.now(),
      };
      requests.push(recorded);
      const answer = respond(recorded, requests.length - 1);
      if (answer === 'destroy') {
        req.socket.destroy();
        return;
      }
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...(answer.headers ?? {}) });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    events: () => requests.flatMap((r) => r.body.events),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
