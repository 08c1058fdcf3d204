import express from 'express';
import { announceReady } from './ready.mjs';
const app = express(); const streams = new Set();
app.get('/sse/broadcast', (req, res) => { res.setHeader('content-type', 'text/event-stream'); res.flushHeaders(); streams.add(res); res.on('close', () => streams.delete(res)); });
const server = app.listen(0, '127.0.0.1', () => announceReady(server));
