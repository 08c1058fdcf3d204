// The SharedWorker behind `SharedEventSource`: every tab of the origin that
// reads the same stream URL talks to this one worker, which holds one
// connection per stream. Loaded as a module worker; never imported.
import type { PortLike } from './browser-apis.js';
import { lockManager } from './browser-apis.js';
import { streamKey } from './stream-link.js';
import type { ToWorker } from './worker-messages.js';
import { WorkerStreamGroup } from './worker-stream-group.js';

interface ConnectEvent {
  ports: readonly PortLike[];
}
const scope = globalThis as unknown as {
  addEventListener(type: 'connect', listener: (e: ConnectEvent) => void): void;
};

const groups = new Map<string, WorkerStreamGroup>();

scope.addEventListener('connect', ({ ports: [port] }) => {
  let leave: (() => void) | undefined;
  port.addEventListener('message', ({ data }) => {
    const message = data as ToWorker;
    if (message.type === 'close') return leave?.();
    if (leave) return; // one subscription per port
    const target = {
      url: message.url,
      withCredentials: message.withCredentials,
      lastEventId: message.lastEventId,
    };
    const key = streamKey(target);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = new WorkerStreamGroup(target)));
    const joined = group;
    leave = () => {
      if (joined.leave(port) && groups.get(key) === joined) groups.delete(key);
      port.close();
    };
    joined.join(port, message.lastEventId);
    // A closed tab sends nothing: the lock it held is released with it,
    // and granted here.
    const locks = lockManager();
    if (message.tabLock && locks) {
      void locks.request(message.tabLock, {}, async () => leave?.());
    }
  });
  port.start();
});
