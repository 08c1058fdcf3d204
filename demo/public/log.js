// The event logs of both panels: time, event name, id, data.

const MAX_ENTRIES = 500;

const pad = (n, width = 2) => String(n).padStart(width, '0');

const clock = (date) =>
  `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;

/** JSON shown compactly, anything else as it came. */
function formatData(text) {
  if (text === undefined || text === '') return '';
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

const span = (className, text) => {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
};

/**
 * Appends an entry to the log `list`. Text only, never HTML: broadcast data
 * comes from anyone who can POST. `kind`: event, meta, warn or error.
 */
export function logEntry(list, { event, id, data, kind = 'event' }) {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const item = document.createElement('li');
  item.className = 'entry';
  item.dataset.event = event;
  if (id) item.dataset.id = id;
  const now = new Date();
  const time = document.createElement('time');
  time.dateTime = now.toISOString();
  time.textContent = clock(now);
  const name = span('event', event);
  name.dataset.kind = kind;
  if (id) name.append(span('id', `#${id}`));
  item.append(time, name, span('data', formatData(data)));
  list.append(item);
  while (list.children.length > MAX_ENTRIES) list.firstElementChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

/** Sets a state badge: its text and the `data-state` the styles color. */
export function setState(badge, state) {
  badge.dataset.state = state;
  badge.textContent = state;
}
