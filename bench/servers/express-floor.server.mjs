// The Express floor: the raw server's logic (frame built once, res.write to
// each) in a bare Express app. What Express itself costs per connection and
// per delivery, before Nest or this library add anything.
import express from 'express';
import { announceReady } from './ready.mjs';
import { BroadcastFloor } from './broadcast-floor.mjs';

const floor = new BroadcastFloor();
const app = express();
app.disable('x-powered-by');
app.get('/sse/broadcast', (req, res) => floor.open(res));
app.post('/api/broadcast', express.json({ limit: '1mb' }), (req, res) => {
  res.status(202).json(floor.publish(req.body));
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  announceReady(server),
);
