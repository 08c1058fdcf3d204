// The Express adapter, a separate entry point (`nestjs-sse-broadcast/express`)
// so that the core never loads @nestjs/platform-express.
export { SseExpressAdapter } from './sse-express-adapter.js';
export { sharedMessageShapes } from './shared-message-shapes.js';
export type { MessageClasses } from './shared-message-shapes.js';
