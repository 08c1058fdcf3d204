import type { BroadcastService } from '../../src/index.js';
import type { ClientsResponseDto } from './broadcast-response.dto.js';

/**
 * What `GET /api/clients` reports: the open broadcast streams of this
 * process, or of every worker of a cluster (`ClusterClientCount`).
 */
export abstract class ClientCount {
  abstract read(): Promise<ClientsResponseDto>;
}

/** The streams of this process only (one instance, `WORKERS=1`). */
export class LocalClientCount extends ClientCount {
  constructor(private readonly broadcast: BroadcastService) {
    super();
  }

  read(): Promise<ClientsResponseDto> {
    const { total, channels } = this.broadcast.connectedClients;
    return Promise.resolve({ connected: total, channels });
  }
}
