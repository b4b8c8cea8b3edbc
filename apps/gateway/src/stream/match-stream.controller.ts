import {
  BadRequestException,
  Controller,
  Get,
  Req,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { formatIssues } from '@matchstream/contracts';
import type { Request, Response } from 'express';
import { MatchStreamHub } from './match-stream.hub';
import { streamQuery, toStreamFilter } from './match-stream.filter';

@Controller('v1/stream')
export class MatchStreamController {
  constructor(private readonly hub: MatchStreamHub) {}

  /**
   * Server-Sent Events: `match.ranking` and `match.retracted` events as the matching service
   * publishes them, `id:` = partition:offset on the matches topic. Filters: jobId, profileId,
   * company, category (all given must hold). Resume with the Last-Event-ID header.
   */
  @Get('matches')
  matches(@Req() req: Request, @Res() res: Response): void {
    const query = streamQuery.safeParse(req.query);
    if (!query.success) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: formatIssues(query.error.issues),
      });
    }
    const header = req.headers['last-event-id'];
    const lastEventId =
      (typeof header === 'string' && header.length > 0 && header.length <= 64
        ? header
        : undefined) ?? query.data.lastEventId;

    if (this.hub.isFull) {
      res.setHeader('Retry-After', '10');
      throw new ServiceUnavailableException('too many stream clients; retry later');
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    // Reverse proxies (nginx) would otherwise buffer the stream.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    const unsubscribe = this.hub.subscribe(res, toStreamFilter(query.data), {
      lastEventId,
      backlog: query.data.backlog,
    });
    res.on('close', unsubscribe);
  }
}
