/**
 * A value as an option error shows it: its type and, for a string, the
 * conversion it needs (values read from the environment arrive as strings).
 */
function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(value)} (convert it: Number(value))`;
  }
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (value === null) return 'null';
  return typeof value === 'object'
    ? 'an object'
    : `${typeof value} ${String(value)}`;
}

/** Every error text of the library, in one place. */
export const ErrorMessages = {
  /** An option that must be a number got something else, or a number out of range. */
  badNumberOption: (
    owner: string,
    name: string,
    rule: string,
    value: unknown,
  ) => `${owner} option ${name} must be ${rule}, got ${describeValue(value)}`,
  invalidField: (field: string, reason: string) =>
    `Invalid SSE ${field}: ${reason}`,
  forbiddenCharacters: 'must not contain CR, LF or NUL',
  notWellFormed: 'must be well-formed UTF-16 (no lone surrogates)',
  emptyField: 'must not be empty',
  channelName: 'must be 1 to 64 ASCII letters, digits or -_.: characters',
  idTooLong: (max: number) => `must be at most ${max} characters`,
  tooManyChannels: (max: number, asked: number) =>
    `A stream may subscribe to at most ${max} channels; ${asked} were asked for`,
  // Reasons: InvalidSseFieldException prefixes them with "Invalid SSE data: ".
  unserializableData: (reason: string) =>
    `it cannot be serialized as JSON (${reason})`,
  undefinedData: 'it must not be undefined',
  tooManyClients: (max: number) =>
    `Too many SSE clients: this server accepts at most ${max} streams`,
  tooManyClientsFromAddress: (max: number) =>
    `Too many SSE streams from this address: at most ${max} at once`,
  streamForbidden: (channels: readonly string[]) =>
    channels.length === 0
      ? 'Not allowed to open this stream'
      : `Not allowed to subscribe to ${channels.map((c) => JSON.stringify(c)).join(', ')}`,
  sseModuleMissing: (route: string) =>
    `@SseRoute() ${route} needs SseModule: add SseModule.forRoot() to the imports of the app module (or of this module, with isGlobal: false)`,
  identifyNeedsRequest:
    'SseModule option identify is set: pass the request to BroadcastService.stream({ request })',
  identifyNotString: (value: unknown) =>
    `SseModule option identify must return a string, undefined or null, got ${describeValue(value)}${typeof value === 'number' ? ' (return String(id))' : ''}`,
  identifiedUser:
    'the identify option returned an id that is not 1 to 64 ASCII letters, digits or -_.: characters',
  addressConflict:
    'cannot be combined with user (a user is never their own exception)',
  authorizeNeedsRequest:
    'SseModule option authorize is set: pass the request to BroadcastService.stream({ request })',
  transportUnavailable: (reason: string) =>
    `The event transport is unavailable: ${reason}`,
  redisNotReady: (status: string) =>
    `Redis is not connected (connection ${status})`,
  redisTimeout: (ms: number) => `Redis did not answer within ${ms} ms`,
  redisConnectFailed: (target: string, ms: number, cause: string) =>
    `Could not connect to Redis at ${target} within ${ms} ms (${cause})`,
} as const;
