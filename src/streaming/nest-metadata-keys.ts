/**
 * The two Nest metadata keys `@SseRoute()` reads. Nest exports them only
 * from its internal `constants` module (no public equivalent in
 * `@nestjs/common`'s index), so this deep import is kept here, in one place;
 * `nest-metadata-keys.spec.ts` fails if Nest moves or renames them.
 *
 * - `INTERCEPTORS_METADATA`: the interceptors `@UseInterceptors()` put on a
 *   method, read to tell whether `SseRouteInterceptor` runs innermost.
 * - `ROUTE_ARGS_METADATA`: the parameters `@Res()`, `@Body()`, ... declared,
 *   read to find a free index for the response parameter.
 */
export {
  INTERCEPTORS_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants.js';
