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
import { BroadcastService, DEFAULT_EVENT_NAME } from '../../src/index.js';
import { ApiPublishErrors } from '../common/api-errors.js';
import { BearerTokenGuard } from './bearer-token.guard.js';
import { ClientCount } from './client-count.js';
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
    private readonly clientCount: ClientCount,
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
    summary: 'Send an event to every client or a channel',
    description:
      'Publishes one event on the broadcast stream (to every client, or to the subscribers of `channel`) and answers once it is fanned out. Needs a bearer token only when the server has BROADCAST_TOKEN or JWT_SECRET set.',
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
    const id = await this.broadcast.publish({
      event,
      data,
      channel: body.channel,
    });
    return {
      ok: true,
      id,
      event,
      channel: body.channel ?? null,
      connected: this.broadcast.connectedClients.total,
    };
  }

  @Get('clients')
  @ApiOperation({
    operationId: 'getClients',
    security: [],
    summary: 'Open broadcast streams, in all and per channel',
    description:
      'Counts this instance, or every worker of the cluster when the demo runs with WORKERS > 1.',
  })
  @ApiOkResponse({ type: ClientsResponseDto })
  clients(): Promise<ClientsResponseDto> {
    return this.clientCount.read();
  }
}
