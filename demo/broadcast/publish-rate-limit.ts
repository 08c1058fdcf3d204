import type { DynamicModule } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';

/** The window of `PUBLISH_RATE_LIMIT`. */
const MINUTE_MS = 60_000;

/**
 * `@nestjs/throttler` set up for `POST /api/broadcast` (its `ThrottlerGuard`
 * is on that route only): at most `perMinute` publishes per client address,
 * then 429 with `Retry-After`. Without a limit the guard lets everything
 * through.
 */
export function publishRateLimit(perMinute: number | undefined): DynamicModule {
  return ThrottlerModule.forRoot({
    throttlers: [
      { ttl: MINUTE_MS, limit: perMinute ?? Number.MAX_SAFE_INTEGER },
    ],
    skipIf: () => perMinute === undefined,
    errorMessage: `Too many publishes: at most ${perMinute} per minute from one address`,
  });
}
