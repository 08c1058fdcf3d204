// The "Signed in" panel: POST /api/login sets the token cookie, then the
// page's own stream of /sse/user belongs to that user.
import { SharedEventSource } from '/client/index.js';
import { logEntry, setState } from './log.js';

const $ = (id) => document.getElementById(id);

let stream;

function openUserStream(name) {
  stream?.close();
  // Same origin: the HttpOnly cookie goes with the request, no token in
  // the URL. A connection of its own: the user may differ from tab to tab.
  stream = new SharedEventSource('/sse/user', { shared: false });
  stream.onEvent((event) =>
    logEntry($('user-log'), {
      event: event.type,
      id: event.lastEventId,
      data: event.data,
      kind: event.type === 'connected' ? 'meta' : 'event',
    }),
  );
  stream.onState((state) => setState($('user-state'), state));
  $('user-name').textContent = name;
}

/**
 * Wires the sign-in form. `onToken` gets the minted token (the page fills
 * the broadcast form's bearer token with it: a demo token may publish).
 */
export function startUserPanel({ errorText, onToken }) {
  $('login-form').addEventListener('submit', async (submit) => {
    submit.preventDefault();
    const name = $('login-name').value.trim();
    $('login-submit').disabled = true;
    try {
      const response = await fetch('/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        const why =
          response.status === 404
            ? 'sign-in is off: start the demo with JWT_SECRET and DEMO_LOGIN=1'
            : errorText(answer, response);
        logEntry($('user-log'), { event: 'refused', data: why, kind: 'error' });
        setState($('user-state'), 'refused');
        return;
      }
      onToken(answer.token);
      openUserStream(answer.user);
    } finally {
      $('login-submit').disabled = false;
    }
  });
}
