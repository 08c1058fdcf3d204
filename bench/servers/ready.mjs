// Every bench server prints one line, `READY <port>`, once it listens: the
// launcher (servers/index.mjs) waits for it. SIGTERM exits at once.

/** Announces the port of a listening node:http server to the launcher. */
export function announceReady(server) {
  process.stdout.write(`READY ${server.address().port}\n`);
  process.once('SIGTERM', () => process.exit(0));
}
