import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Health } from './health.js';

export interface OperatorEndpoints {
  /** The Prometheus text exposition and its content type. */
  metrics(): Promise<{ readonly contentType: string; readonly body: string }>;
  health(): Promise<Health>;
}

export interface MetricsServer {
  /** `http://host:port` with the port actually bound (METRICS_PORT=0 picks a free one). */
  readonly url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string, head: boolean): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(head ? undefined : body);
}

/**
 * Serves `GET /healthz` (200 or 503, JSON) and `GET /metrics` (Prometheus text) on `host` only.
 * Other paths get 404, other methods 405; HEAD is answered like GET without a body. Logs nothing per
 * request: an operator's scraper calls every few seconds.
 */
export async function startMetricsServer(host: string, port: number, endpoints: OperatorEndpoints): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', false);
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const answer =
      path === '/metrics'
        ? endpoints.metrics().then(({ contentType, body }) => send(res, 200, contentType, body, head))
        : path === '/healthz'
          ? endpoints.health().then((health) => send(res, health.status === 'ok' ? 200 : 503, 'application/json', `${JSON.stringify(health)}\n`, head))
          : Promise.resolve(send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head));
    answer.catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      send(res, 500, 'application/json', `${JSON.stringify({ status: 'error', reasons: [reason.split('\n')[0]] })}\n`, head);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
