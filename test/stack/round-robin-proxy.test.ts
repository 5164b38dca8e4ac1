import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRoundRobinProxy } from '../../embedded/round-robin-proxy';
import { freePort } from '../../embedded/ports';

async function namedServer(name: string): Promise<http.Server> {
  const server = http.createServer((_req, res) => res.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return server;
}

describe('the round-robin address in front of the cluster APIs', () => {
  it('when requests arrive on new connections, then they go to each API in turn, and past one that is down', async () => {
    const a = await namedServer('a');
    const b = await namedServer('b');
    const gone = await freePort();
    const ports = [(a.address() as AddressInfo).port, gone, (b.address() as AddressInfo).port];
    const proxy = await startRoundRobinProxy({
      host: '127.0.0.1',
      port: 0,
      backends: () => ports.map((port) => ({ host: '127.0.0.1', port })),
    });
    try {
      const answers: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`http://127.0.0.1:${proxy.port}/`, { headers: { Connection: 'close' } });
        answers.push(await res.text());
      }
      expect(answers.filter((x) => x === 'a').length).toBeGreaterThanOrEqual(1);
      expect(answers.filter((x) => x === 'b').length).toBeGreaterThanOrEqual(1);
      expect(answers.every((x) => x === 'a' || x === 'b')).toBe(true);
    } finally {
      await proxy.stop();
      a.close();
      b.close();
    }
  });
});
