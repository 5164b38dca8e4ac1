/** The list benchmark's anchor: an Express hello-world on the same Node, in its own process like the API. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.json({ hello: 'world' });
});
const server = http.createServer(app);
server.listen(0, '127.0.0.1', () =>
  console.log(`hello: listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/`),
);
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
