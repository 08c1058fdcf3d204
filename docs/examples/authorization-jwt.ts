import { Module, UnauthorizedException } from '@nestjs/common';
import { JwtModule, JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { SseModule } from 'nestjs-sse-broadcast';

/** Claims of the tokens: which channels their holder may read. */
interface SubscribeClaims {
  subscribe?: string[];
}

@Module({
  imports: [
    SseModule.forRootAsync({
      imports: [
        JwtModule.register({
          secret: process.env.JWT_SECRET,
          verifyOptions: { algorithms: ['HS256'] },
        }),
      ],
      inject: [JwtService],
      useFactory: (jwt: JwtService) => ({
        authorize: async (request, channels) => {
          const privates = channels.filter((c) => c.startsWith('private:'));
          if (privates.length === 0) return true;
          const header = (request as Request).headers.authorization ?? '';
          const token = /^Bearer (\S+)$/i.exec(header)?.[1];
          if (!token)
            throw new UnauthorizedException(
              'Private channels need a bearer token',
            );
          const claims = await jwt
            .verifyAsync<SubscribeClaims>(token)
            .catch(() => {
              // A fixed message: the library's reason could echo the token.
              throw new UnauthorizedException(
                'The bearer token is invalid or expired',
              );
            });
          return privates.every(
            (c) =>
              claims.subscribe?.includes(c) || claims.subscribe?.includes('*'),
          );
        },
      }),
    }),
  ],
})
export class AppModule {}
