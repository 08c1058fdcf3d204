import type { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps every line of every level, for assertions. */
export class LogCapture implements LoggerService {
  /** `text` is the message, `extra` the rest (Nest passes the context last). */
  readonly lines: { level: string; text: string; extra: string }[] = [];

  private record(level: string, message: unknown, params: unknown[]) {
    // Nest 12 logs an unhandled exception as the Error itself.
    const show = (p: unknown) =>
      typeof p === 'string'
        ? p
        : p instanceof Error
          ? `${p.name}: ${p.message}`
          : (JSON.stringify(p) ?? String(p));
    this.lines.push({
      level,
      text: show(message),
      extra: params.map(show).join(' '),
    });
  }

  log(message: unknown, ...params: unknown[]) {
    this.record('log', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.record('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.record('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.record('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.record('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.record('fatal', message, params);
  }

  /** Lines of `level` whose text matches. */
  find(level: string, pattern: RegExp) {
    return this.lines.filter((l) => l.level === level && pattern.test(l.text));
  }

  /** Everything logged, as one text. */
  get all(): string {
    return this.lines.map((l) => `${l.level} ${l.text} ${l.extra}`).join('\n');
  }
}
