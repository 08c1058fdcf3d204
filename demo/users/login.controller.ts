import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessTokens, TOKEN_COOKIE } from '../auth/access-tokens.js';
import { LoginRequestDto, LoginResponseDto } from './login.dto.js';

/** Whether the demo serves HTTPS: its cookie is then `Secure`. */
export const SECURE_COOKIES = Symbol('SECURE_COOKIES');

/** How long a minted token is valid. */
const TOKEN_SECONDS = 3600;

/**
 * `POST /api/login` (`DEMO_LOGIN=1` with `JWT_SECRET`): a token for any
 * name, without a password. It lets the page try user-addressed events;
 * a real app signs users in its own way and only reads the `sub`.
 */
@ApiTags('Users')
@Controller('api')
export class LoginController {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly http: HttpAdapterHost,
    @Inject(SECURE_COOKIES) private readonly secure: boolean,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'login',
    security: [],
    summary: 'Sign in as a name (demo only, DEMO_LOGIN=1)',
    description:
      "Mints a JWT whose `sub` is the name (and that may publish anything), answers it and sets it as an HttpOnly, SameSite=Strict cookie, so the page's own streams belong to that user. No password: never enable it in production.",
  })
  @ApiOkResponse({ type: LoginResponseDto })
  login(
    @Body() body: LoginRequestDto,
    @Res({ passthrough: true }) response: unknown,
  ): LoginResponseDto {
    // A demo token may also publish, so the page can try what it receives.
    const token = this.tokens.sign(
      { sub: body.name, publish: ['*'] },
      TOKEN_SECONDS,
    );
    const cookie = [
      `${TOKEN_COOKIE}=${token}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${TOKEN_SECONDS}`,
      ...(this.secure ? ['Secure'] : []),
    ].join('; ');
    this.http.httpAdapter.setHeader(response, 'Set-Cookie', cookie);
    return { user: body.name, token, expiresIn: TOKEN_SECONDS };
  }
}
