import net from 'node:net';

/** A TCP port on loopback that is free now (for the servers tests and benchmarks start). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A port the embedded default needs is taken; the message names the setting that moves it. */
export class PortInUseError extends Error {}

/**
 * Refuses to start when a port the embedded default would listen on is already taken (often by a
 * first `npm start`): otherwise a second dev server fails quietly and the stack talks to the
 * first one's Temporal, whose workers never persist its tasks.
 */
export async function ensurePortFree(port: number, host: string, setting: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
        reject(
          new PortInUseError(
            `port ${port} on ${host} is in use (another npm start, or another program); set ${setting} to a free port.`,
          ),
        );
      } else reject(err);
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Every port the embedded default will open, checked before anything starts. */
export async function ensureEmbeddedPortsFree(ports: { port: number; host: string; setting: string }[]): Promise<void> {
  const problems: string[] = [];
  for (const p of ports) {
    try {
      await ensurePortFree(p.port, p.host, p.setting);
    } catch (err) {
      if (!(err instanceof PortInUseError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length > 0) throw new PortInUseError(`Cannot start: ${problems.join(' ')}`);
}
