// Serves the Hono app over HTTP on Node.
import { serve, type ServerType } from '@hono/node-server';

export function listen(app: { fetch: (request: Request) => Response | Promise<Response> }, port: number, hostname: string): Promise<{ server: ServerType; url: string; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
      resolve({
        server,
        url: `http://${hostname}:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.once('error', reject);
  });
}
