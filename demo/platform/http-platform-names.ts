/** The Nest HTTP platforms the demo runs on. */
export type HttpPlatform = 'express' | 'fastify';
export const HTTP_PLATFORMS: readonly HttpPlatform[] = ['express', 'fastify'];
