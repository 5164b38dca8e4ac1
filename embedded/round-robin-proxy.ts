import net from 'node:net';

export interface RoundRobinProxy {
  /** Where clients connect (`http://host:port` for the API). */
  port: number;
  stop(): Promise<void>;
}

/**
 * One address in front of several: a TCP proxy on loopback that hands each new connection to the
 * next backend in turn, skipping one that refuses (a restarting API) for the next. What a load
 * balancer does in a deployment; HTTP keep-alive connections stay on the backend they reached.
 */
export async function startRoundRobinProxy(opts: {
  host: string;
  port: number;
  backends: () => { host: string; port: number }[];
}): Promise<RoundRobinProxy> {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const connectAny = (client: net.Socket, tried: number) => {
    const list = opts.backends();
    if (list.length === 0 || tried >= list.length) {
      client.destroy();
      return;
    }
    const target = list[next++ % list.length] as { host: string; port: number };
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (!connected) connectAny(client, tried + 1);
      else client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => {
      if (connected) client.destroy();
    });
  };
  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    connectAny(client, 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
