/**
 * The Nest internals `@SseRoute()` and the adoption of `@Sse()` routes
 * read. Nest exports them only from internal modules (no public equivalent
 * in `@nestjs/common`'s index), so these deep imports are kept here, in one
 * place; `nest-metadata-keys.spec.ts` fails if Nest moves or renames them.
 *
 * - `INTERCEPTORS_METADATA`: the interceptors `@UseInterceptors()` put on a
 *   method or class, read to tell whether `SseRouteInterceptor` runs
 *   innermost, and whether an `@Sse()` route has interceptors.
 * - `ROUTE_ARGS_METADATA`: the parameters `@Res()`, `@Body()`, ... declared,
 *   read to find a free index for the response parameter.
 * - `RouteParamtypes`: the kind of each of those parameters (the part of
 *   its key before `:`), read to tell an `@Sse()` method that takes the
 *   response or `next` itself.
 * - `SSE_METADATA`, `SSE_OPTIONS_METADATA`: what `@Sse()` puts on a method;
 *   the first marks the routes to adopt, and neither is copied to the
 *   adopted handler, which Nest must serve as a plain route.
 */
export {
  INTERCEPTORS_METADATA,
  ROUTE_ARGS_METADATA,
  SSE_METADATA,
  SSE_OPTIONS_METADATA,
} from '@nestjs/common/constants.js';
export { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
