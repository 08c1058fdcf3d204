// N SSE clients over node:http, and what they received. Frames are not fully
// parsed: only the `"seq":` and `"t":` the publisher puts at the start of
// each bench event's data are read, so the load generator stays cheap.
import { Agent, get } from 'node:http';

const FRAME_END = Buffer.from('\n\n');
const SEQ_KEY = Buffer.from('"seq":');
const T_KEY = Buffer.from('"t":');
const GAP_NOTICE = Buffer.from('event: history-gap');

/** Reads the decimal number at `start` (digits, `-` and one `.`). */
function numberAt(buf, start) {
  let end = start;
  while (end < buf.length) {
    const c = buf[end];
    if ((c < 48 || c > 57) && c !== 46 && c !== 45) break;
    end++;
  }
  return Number(buf.latin1Slice(start, end));
}

/**
 * Holds the clients and counts deliveries: per client the last `seq` seen
 * (a jump is a gap, a step back a reorder), and the latency of every event
 * with `seq > measureFrom`.
 */
export class ClientPool {
  constructor({
    clients,
    expectedEvents,
    measureFrom,
    now,
    localAddress,
    trackSeqUpTo,
    connectTimeoutMs = 60_000,
  }) {
    this.connectTimeoutMs = connectTimeoutMs;
    this.size = clients;
    this.now = now;
    this.measureFrom = measureFrom;
    this.lastSeq = new Int32Array(clients);
    /** 1 for each client whose stream opened (200). */
    this.opened = new Uint8Array(clients);
    this.latencies = new Float64Array(clients * expectedEvents);
    this.latencyCount = 0;
    this.received = 0;
    this.gaps = 0;
    this.reorders = 0;
    this.closedEarly = 0;
    this.connectErrors = 0;
    /** Why clients could not be opened: `{ EADDRNOTAVAIL: 3, 'HTTP 503': 1 }`. */
    this.connectFailures = {};
    /** The loopback source address (`127.0.0.2`, ...): ~28k ports each. */
    this.localAddress = localAddress;
    if (trackSeqUpTo) {
      // Which seqs each client got, and whether it was told of a history gap.
      this.seqStride = trackSeqUpTo + 1;
      this.seen = new Uint8Array(clients * this.seqStride);
      this.notices = new Uint8Array(clients);
    }
    this.requests = [];
    this.agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    this.waiter = undefined;
    this.closing = false;
  }

  /** Opens the clients `batchSize` at a time, spread over `urls`; resolves with the time taken (ms). */
  async connect(urls, batchSize) {
    const started = this.now();
    for (let first = 0; first < this.size; first += batchSize) {
      const last = Math.min(first + batchSize, this.size);
      const batch = [];
      for (let i = first; i < last; i++) {
        batch.push(this.open(i, urls[i % urls.length]));
      }
      await Promise.all(batch);
    }
    return this.now() - started;
  }

  /** Resolves once `total` events were received, or after `idleMs` without progress. */
  waitFor(total, idleMs) {
    if (this.received >= total) return Promise.resolve(true);
    return new Promise((resolve) => {
      let seen = this.received;
      const watchdog = setInterval(() => {
        if (this.received === seen) finish(false);
        seen = this.received;
      }, idleMs);
      const finish = (complete) => {
        clearInterval(watchdog);
        this.waiter = undefined;
        resolve(complete);
      };
      this.waiter = { total, finish };
    });
  }

  /** Resets every connection (RST: no TIME_WAIT left to exhaust ports). */
  close() {
    this.closing = true;
    for (const req of this.requests) {
      const socket = req?.socket;
      if (socket && !socket.destroyed) socket.resetAndDestroy();
      else req?.destroy();
    }
    this.agent.destroy();
  }

  open(index, url) {
    return new Promise((resolve) => {
      const req = get(url, {
        agent: this.agent,
        localAddress: this.localAddress,
        headers: { accept: 'text/event-stream' },
      });
      this.requests[index] = req;
      let opened = false;
      // A server out of file descriptors may leave a connection in its
      // backlog unanswered: counted as a failure, not waited for forever.
      const timer = setTimeout(
        () =>
          req.destroy(
            Object.assign(new Error('timeout'), { code: 'no answer' }),
          ),
        this.connectTimeoutMs,
      );
      req.once('error', (err) => {
        clearTimeout(timer);
        // After the response, an error is a stream that ended (closedEarly).
        if (opened) return;
        this.failed(err.code ?? err.message);
        resolve();
      });
      req.once('response', (res) => {
        clearTimeout(timer);
        opened = true;
        if (res.statusCode !== 200) {
          this.failed(`HTTP ${res.statusCode}`);
          res.resume();
          resolve();
          return;
        }
        this.lastSeq[index] = 0;
        this.opened[index] = 1;
        let tail;
        res.on('data', (chunk) => {
          const at = this.now();
          const buf = tail ? Buffer.concat([tail, chunk]) : chunk;
          const end = buf.lastIndexOf(FRAME_END);
          if (end < 0) {
            tail = buf;
            return;
          }
          if (this.notices && buf.indexOf(GAP_NOTICE) >= 0) {
            this.notices[index] = 1;
          }
          this.scan(index, buf, end, at);
          const rest = end + FRAME_END.length;
          tail =
            rest < buf.length ? Buffer.from(buf.subarray(rest)) : undefined;
        });
        res.once('close', () => {
          if (!this.closing) this.closedEarly++;
        });
        resolve();
      });
    });
  }

  /**
   * Against the seqs the server accepted (`trackSeqUpTo` set): clients that
   * got them all, that missed some but were sent a history-gap notice, and
   * that missed some silently.
   */
  verify(accepted) {
    const result = {
      complete: 0,
      missedWithNotice: 0,
      missedSilently: 0,
      notices: 0,
    };
    for (let i = 0; i < this.size; i++) {
      if (!this.opened[i]) continue;
      const base = i * this.seqStride;
      const missed = accepted.some((seq) => !this.seen[base + seq]);
      if (this.notices[i]) result.notices++;
      if (!missed) result.complete++;
      else if (this.notices[i]) result.missedWithNotice++;
      else result.missedSilently++;
    }
    return result;
  }

  failed(reason) {
    this.connectErrors++;
    this.connectFailures[reason] = (this.connectFailures[reason] ?? 0) + 1;
  }

  scan(index, buf, end, at) {
    let pos = 0;
    for (;;) {
      const key = buf.indexOf(SEQ_KEY, pos);
      if (key < 0 || key > end) break;
      const seq = numberAt(buf, key + SEQ_KEY.length);
      const t = buf.indexOf(T_KEY, key);
      const sentAt = numberAt(buf, t + T_KEY.length);
      if (this.seen && seq < this.seqStride) {
        this.seen[index * this.seqStride + seq] = 1;
      }
      const last = this.lastSeq[index];
      if (seq > last + 1) this.gaps += seq - last - 1;
      if (seq <= last) this.reorders++;
      else this.lastSeq[index] = seq;
      if (seq > this.measureFrom && this.latencyCount < this.latencies.length) {
        this.latencies[this.latencyCount++] = at - sentAt;
      }
      this.received++;
      pos = buf.indexOf(FRAME_END, t) + FRAME_END.length;
    }
    if (this.waiter && this.received >= this.waiter.total) {
      this.waiter.finish(true);
    }
  }
}
