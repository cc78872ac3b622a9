// A TCP proxy on loopback between the service and one dependency (PostgreSQL, Temporal), that a test
// can cut (connections closed, new ones refused) or hang (connections accepted, nothing forwarded),
// then restore, without touching the servers other tests share.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from './ports.js';

export type ProxyState = 'up' | 'down' | 'hung';

export async function startTcpProxy(target: { host: string; port: number }) {
  let state: ProxyState = 'up';
  const pairs = new Set<{ client: Socket; upstream?: Socket }>();

  const forward = (pair: { client: Socket; upstream?: Socket }) => {
    if (!pair.upstream) {
      const upstream = connect(target.port, target.host);
      pair.upstream = upstream;
      upstream.on('error', () => pair.client.destroy());
      upstream.on('close', () => pair.client.destroy());
    }
    pair.client.pipe(pair.upstream);
    pair.upstream.pipe(pair.client);
  };

  const onConnection = (client: Socket) => {
    const pair: { client: Socket; upstream?: Socket } = { client };
    pairs.add(pair);
    client.on('error', () => pair.upstream?.destroy());
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (state === 'up') forward(pair);
    else client.pause(); // hung: accepted, and then nothing
  };

  // A port outside the ephemeral range: a cut proxy listens on it again, and an ephemeral port could meanwhile
  // have gone to another process's outgoing connection.
  const port = await freePort();
  let server: Server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });

  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    get state() {
      return state;
    },
    /** Closes every connection and refuses new ones (the port stops listening). */
    async cut() {
      state = 'down';
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    /** Accepts connections but forwards nothing, either way, on new and open connections alike. */
    hang() {
      state = 'hung';
      for (const { client, upstream } of pairs) {
        if (upstream) {
          client.unpipe(upstream);
          upstream.unpipe(client);
          upstream.pause();
        }
        client.pause();
      }
    },
    /** Forwards again: a cut proxy listens again on its port; a hung one delivers what it held. */
    async restore() {
      if (state === 'down') {
        server = createServer(onConnection);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', resolve);
        });
      }
      state = 'up';
      for (const pair of pairs) forward(pair);
    },
    async close() {
      state = 'down';
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>;
