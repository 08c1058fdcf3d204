import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Controller, Get, Injectable, Logger, Param } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { SsePresence } from 'nestjs-sse-broadcast';

@Controller('presence')
export class PresenceController {
  constructor(private readonly presence: SsePresence) {}

  /** { connected, channels, users } over every instance, and this one's. */
  @Get()
  async counts() {
    return { ...(await this.presence.counts()), here: this.presence.local };
  }

  @Get(':user')
  async user(@Param('user') user: string) {
    return { online: await this.presence.isOnline(user) };
  }
}

/** Users coming online (first stream anywhere) and going offline (last one closed). */
@Injectable()
export class PresenceLog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PresenceLog.name);
  private subscription?: Subscription;

  constructor(private readonly presence: SsePresence) {}

  onModuleInit() {
    this.subscription = this.presence.userChanges$.subscribe(({ type, user }) =>
      this.logger.log(`${user} is ${type}`),
    );
  }

  onModuleDestroy() {
    this.subscription?.unsubscribe();
  }
}
