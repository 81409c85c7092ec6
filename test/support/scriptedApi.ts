// A tiny HTTP server whose answers each test scripts, for client behaviour the emulator does not
// produce on demand (malformed bodies, silence, exact status sequences). It records every request.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export type Answer =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string }
  | { drop: true }
  | { silent: true };

export interface ScriptedApi {
  domain: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const ok = (response: Record<string, unknown>): Answer => ({
  status: 200,
  json: { requestId: "T-OK", response: { requestId: "T-OK", ...response } },
});
export const fail = (status: number, code: string, message = code): Answer => ({
  status,
  json: { requestId: `T-${code}`, code, message },
});

export async function startScriptedApi(answer: (req: RecordedRequest, index: number) => Answer): Promise<ScriptedApi> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        receivedAt: Date.now(),
      };
      requests.push(recorded);
      const a = answer(recorded, requests.length - 1);
      if ("drop" in a) return req.socket.destroy();
      if ("silent" in a) return;
      if ("json" in a) {
        res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
        res.end(JSON.stringify(a.json));
      } else {
        res.writeHead(a.status, { "content-type": "text/html" });
        res.end(a.text);
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    domain: `127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
