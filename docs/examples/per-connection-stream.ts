import { Controller, Query } from '@nestjs/common';
import { SseRoute, type SseMessage } from 'nestjs-sse-broadcast';
import { interval, map, take, type Observable } from 'rxjs';

@Controller()
export class CountdownController {
  // One stream per connection: the handler's own events, no broadcast.
  @SseRoute('countdown')
  countdown(@Query('from') from = '10'): Observable<SseMessage> {
    const start = Number(from);
    return interval(1000).pipe(
      take(start),
      map((i) => ({
        type: 'tick',
        id: String(i + 1),
        data: { left: start - i - 1 },
      })),
    );
  }
}
