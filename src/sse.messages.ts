/** Every error text of the library, in one place. */
export const SseMessages = {
  invalidField: (field: string, reason: string) =>
    `Invalid SSE ${field}: ${reason}`,
  forbiddenCharacters: 'must not contain CR, LF or NUL',
  notWellFormed: 'must be well-formed UTF-16 (no lone surrogates)',
  emptyField: 'must not be empty',
  unserializableData: (reason: string) =>
    `Invalid SSE data: it cannot be serialized as JSON (${reason})`,
  undefinedData: 'Invalid SSE data: it must not be undefined',
  tooManyClients: (max: number) =>
    `Too many SSE clients: this server accepts at most ${max} streams`,
} as const;
