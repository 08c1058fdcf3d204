// The baseline: plain node:http, each broadcast encoded once into a Buffer
// and written to every open response. The floor the library is measured against.
//
//   GET  /sse/broadcast   an SSE stream
//   POST /api/broadcast   {event, data} -> the frame goes to every stream
import { createServer } from 'node:http';
import { BroadcastFloor, floorRoutes } from './broadcast-floor.mjs';
import { announceReady } from './ready.mjs';

const floor = new BroadcastFloor();

const server = createServer(floorRoutes(floor, (body) => floor.publish(body)));

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  announceReady(server),
);
