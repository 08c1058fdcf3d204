// The demo page: EventSource, fetch and the DOM; no framework, no build.
// The broadcast panel reads its stream with the package's client, shared by
// every tab of the page (`?shared=0`: a connection of this tab's own).
import { SharedEventSource } from '/client/index.js';
import { logEntry, setState } from './log.js';
import { startUserPanel } from './user.js';

const $ = (id) => document.getElementById(id);
const LAST_ID_KEY = 'sse-demo:broadcast-last-event-id';
const CLIENTS_POLL_MS = 1000;

for (const button of document.querySelectorAll('[data-clear]')) {
  button.addEventListener('click', () =>
    $(button.dataset.clear).replaceChildren(),
  );
}

/** `message` of a JSON error answer (one text or a list), or the status. */
const errorText = (answer, response) =>
  [answer.message ?? `${response.status} ${response.statusText}`]
    .flat()
    .join('; ');

// ------------------------------------------------------- broadcast stream

const pageQuery = new URLSearchParams(window.location.search);
const channels = pageQuery
  .getAll('channel')
  .flatMap((c) => c.split(','))
  .map((c) => c.trim())
  .filter(Boolean);

function rememberId(id) {
  if (!id) return;
  // Per tab, and kept across reloads: the next load resumes after it.
  sessionStorage.setItem(LAST_ID_KEY, id);
  $('broadcast-last-id').textContent = id;
}

const EVENT_KINDS = { connected: 'meta', 'history-gap': 'warn' };

/**
 * An event's `lastEventId` is the stream's last id, carried over by events
 * that have none of their own: the logs show it only when it changes.
 */
const newIdOnly = () => {
  let previous = '';
  return (id) => (id === previous ? '' : (previous = id));
};
let broadcastId = newIdOnly();

function onBroadcastEvent(event) {
  rememberId(event.lastEventId);
  logEntry($('broadcast-log'), {
    event: event.type,
    id: broadcastId(event.lastEventId),
    data: event.data,
    kind: EVENT_KINDS[event.type] ?? 'event',
  });
  if (event.type === 'connected') refreshClients();
}

const ROLES = {
  own: 'own connection',
  worker: 'shared (SharedWorker)',
  leader: 'shared (this tab leads)',
  follower: 'shared (another tab leads)',
};

function onBroadcastState(state, reason, role) {
  setState($('broadcast-state'), state);
  $('broadcast-connection').dataset.role = role;
  $('broadcast-connection').textContent = ROLES[role];
  // Each connection parses afresh: its first id is news again.
  if (state === 'connecting' || state === 'reconnecting') {
    broadcastId = newIdOnly();
  }
  if (state === 'refused') {
    logEntry($('broadcast-log'), {
      event: 'refused',
      data: `${reason}; trying again shortly`,
      kind: 'error',
    });
  }
}

function openBroadcast() {
  const query = new URLSearchParams();
  for (const channel of channels) query.append('channel', channel);
  const lastEventId = sessionStorage.getItem(LAST_ID_KEY) ?? '';
  rememberId(lastEventId);
  // `shared=0` turns sharing off; `tabs` or `worker` picks the way.
  const shared = pageQuery.get('shared');
  // Resumes with Last-Event-ID from the first request on (EventSource would
  // only on its own reconnects), so a reload gets what was sent meanwhile.
  // Every event name shows (an EventSource delivers only those it has
  // listeners for).
  const stream = new SharedEventSource(
    `/sse/broadcast${query.size ? `?${query}` : ''}`,
    {
      lastEventId,
      shared: shared !== '0',
      sharedBy: shared === 'tabs' || shared === 'worker' ? shared : undefined,
    },
  );
  stream.onEvent(onBroadcastEvent);
  stream.onState((state, reason) =>
    onBroadcastState(state, reason, stream.role),
  );
  return stream;
}

// ----------------------------------------------------------- client count

let clientsTimer;

async function refreshClients() {
  clearTimeout(clientsTimer);
  const count = $('client-count');
  try {
    const response = await fetch('/api/clients', { cache: 'no-store' });
    if (!response.ok) throw new Error(response.statusText);
    const { connected, users, channels: perChannel } = await response.json();
    count.textContent = String(connected);
    $('user-count').textContent = String(users);
    const named = Object.entries(perChannel).map(([c, n]) => `${c}: ${n}`);
    count.title = named.join(', ') || 'no channel subscribers';
  } catch {
    count.textContent = '?';
    $('user-count').textContent = '?';
  } finally {
    clientsTimer = setTimeout(refreshClients, CLIENTS_POLL_MS);
  }
}

// --------------------------------------------------------- broadcast form

/** The data field as JSON when it parses, as plain text otherwise. */
function readData(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function showResult(text, ok) {
  $('bc-result').textContent = text;
  $('bc-result').dataset.ok = String(ok);
}

async function sendBroadcast(submit) {
  submit.preventDefault();
  const body = { data: readData($('bc-data').value) };
  const event = $('bc-event').value.trim();
  const channel = $('bc-channel').value.trim();
  const user = $('bc-user').value.trim();
  const exceptUser = $('bc-except-user').value.trim();
  if (event) body.event = event;
  if (channel) body.channel = channel;
  if (user) body.user = user;
  if (exceptUser) body.exceptUser = exceptUser;
  const headers = { 'content-type': 'application/json' };
  const token = $('bc-token').value.trim();
  if (token) headers.authorization = `Bearer ${token}`;
  $('bc-send').disabled = true;
  try {
    const response = await fetch('/api/broadcast', {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      showResult(`${response.status}: ${errorText(answer, response)}`, false);
      return;
    }
    const to = answer.user
      ? `user ${answer.user}`
      : answer.channel
        ? `channel ${answer.channel}`
        : 'everyone';
    showResult(
      `Sent ${answer.event} #${answer.id} to ${to} (${answer.connected} connected)`,
      true,
    );
  } catch (err) {
    showResult(`Not sent: ${err.message}`, false);
  } finally {
    $('bc-send').disabled = false;
  }
}

// ------------------------------------------------------------------ ticks

let ticks;

function endTicks(state) {
  ticks?.close();
  ticks = undefined;
  setState($('ticks-state'), state);
  $('ticks-start').disabled = false;
  $('ticks-stop').disabled = true;
}

function showProgress(done, total) {
  $('ticks-progress').max = total;
  $('ticks-progress').value = done;
  $('ticks-progress-text').textContent = `${done} / ${total}`;
}

/** Why a stream was refused: EventSource hides the status and body. */
async function refusal(url) {
  const controller = new AbortController();
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (response.ok) return 'the stream failed';
    return errorText(await response.json().catch(() => ({})), response);
  } catch {
    return 'the server cannot be reached';
  } finally {
    controller.abort();
  }
}

function startTicks(submit) {
  submit.preventDefault();
  const count = Number($('ticks-count').value);
  const intervalMs = Number($('ticks-interval').value);
  const url = `/sse?count=${count}&intervalMs=${intervalMs}`;
  ticks?.close();
  showProgress(0, count);
  setState($('ticks-state'), 'connecting');
  $('ticks-start').disabled = true;
  $('ticks-stop').disabled = false;
  // The ticks use the browser's EventSource: their event names are known.
  const source = new EventSource(url);
  ticks = source;
  let received = 0;
  const tickId = newIdOnly();
  const show = (event, kind) =>
    logEntry($('ticks-log'), {
      event: event.type,
      id: tickId(event.lastEventId),
      data: event.data,
      kind,
    });
  source.addEventListener('connected', (event) => {
    setState($('ticks-state'), 'streaming');
    show(event, 'meta');
  });
  source.addEventListener('tick', (event) => {
    received++;
    showProgress(JSON.parse(event.data).i, count);
    show(event);
  });
  // The server ends the stream after `complete`; closing here keeps
  // EventSource from reconnecting (it would get a 204).
  source.addEventListener('complete', (event) => {
    show(event, 'meta');
    endTicks('complete');
  });
  source.addEventListener('error', async () => {
    if (source !== ticks) return;
    if (source.readyState === EventSource.CONNECTING) {
      // It reconnects by itself with Last-Event-ID: the ticks resume.
      setState($('ticks-state'), 'reconnecting');
      return;
    }
    endTicks('error');
    logEntry($('ticks-log'), {
      event: 'error',
      data: received === 0 ? await refusal(url) : 'the stream failed',
      kind: 'error',
    });
  });
}

function stopTicks() {
  if (!ticks) return;
  logEntry($('ticks-log'), { event: 'stopped', data: 'by you', kind: 'meta' });
  endTicks('stopped');
}

// ------------------------------------------------------------------ start

$('ticks-form').addEventListener('submit', startTicks);
$('ticks-stop').addEventListener('click', stopTicks);
$('broadcast-form').addEventListener('submit', sendBroadcast);
$('broadcast-channels').textContent = channels.length
  ? `all broadcasts + ${channels.join(', ')}`
  : 'all broadcasts';
openBroadcast();
refreshClients();
startUserPanel({
  errorText,
  onToken: (token) => ($('bc-token').value = token),
});
