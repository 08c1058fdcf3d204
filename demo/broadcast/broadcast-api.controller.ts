import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  BroadcastService,
  DEFAULT_EVENT_NAME,
  SsePresence,
} from '../../src/index.js';
import { ApiCountErrors, ApiPublishErrors } from '../common/api-errors.js';
import { BearerTokenGuard } from './bearer-token.guard.js';
import { BroadcastRequestDto, DATA_REQUIRED } from './broadcast-request.dto.js';
import {
  BroadcastResponseDto,
  ClientsResponseDto,
} from './broadcast-response.dto.js';
import { JsonContentTypeGuard } from './json-content-type.guard.js';
import { PrototypeKeysGuard } from './prototype-keys.guard.js';
import { PublishedData } from './published-data.decorator.js';

@ApiTags('Broadcast')
@Controller('api')
export class BroadcastApiController {
  constructor(
    private readonly broadcast: BroadcastService,
    private readonly presence: SsePresence,
  ) {}

  @Post('broadcast')
  @HttpCode(202)
  // Rate limit first, so failed token guesses count too.
  @UseGuards(
    ThrottlerGuard,
    BearerTokenGuard,
    JsonContentTypeGuard,
    PrototypeKeysGuard,
  )
  @ApiOperation({
    operationId: 'publishBroadcast',
    summary: 'Send an event to every client, a channel, or a user',
    description:
      "Publishes one event on the broadcast stream (to every client, to the subscribers of `channel`, to one `user`'s streams on every instance, or to everyone but `exceptUser`) and answers once it is fanned out. Needs a bearer token only when the server has BROADCAST_TOKEN or JWT_SECRET set.",
  })
  @ApiBearerAuth()
  // Either the bearer token or nothing: it is required only with BROADCAST_TOKEN or JWT_SECRET.
  @ApiSecurity({})
  @ApiResponse({
    status: 202,
    description: 'Delivered to the open streams',
    type: BroadcastResponseDto,
  })
  @ApiPublishErrors()
  async publish(
    @Body() body: BroadcastRequestDto,
    @PublishedData() data: unknown,
  ): Promise<BroadcastResponseDto> {
    if (data === undefined) {
      throw new BadRequestException([DATA_REQUIRED]);
    }
    const event = body.event ?? DEFAULT_EVENT_NAME;
    const { channel, user, exceptUser, exceptClient } = body;
    const id = await this.broadcast.publish({
      event,
      data,
      channel,
      user,
      exceptUser,
      exceptClient,
    });
    return {
      ok: true,
      id,
      event,
      channel: channel ?? null,
      user: user ?? null,
      connected:
        user === undefined
          ? this.broadcast.connectedClients.total
          : await this.presence.streamsOf(user),
    };
  }

  @Get('clients')
  @ApiOperation({
    operationId: 'getClients',
    security: [],
    summary: 'Open broadcast streams, in all, per channel and in users',
    description:
      'Counts every instance on the same Redis (every worker with WORKERS > 1), and this one alone under `instance`. Answers 503 while Redis cannot be read.',
  })
  @ApiOkResponse({ type: ClientsResponseDto })
  @ApiCountErrors()
  async clients(): Promise<ClientsResponseDto> {
    const everywhere = await this.presence.counts();
    return { ...everywhere, instance: this.presence.local };
  }
}
