/** Every error text of the library, in one place. */
export const ErrorMessages = {
  invalidField: (field: string, reason: string) =>
    `Invalid SSE ${field}: ${reason}`,
  forbiddenCharacters: 'must not contain CR, LF or NUL',
  notWellFormed: 'must be well-formed UTF-16 (no lone surrogates)',
  emptyField: 'must not be empty',
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
