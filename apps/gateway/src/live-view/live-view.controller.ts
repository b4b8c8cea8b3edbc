import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { LIVE_VIEW_CSP, LIVE_VIEW_HTML } from './live-view.page';

@Controller()
export class LiveViewController {
  /** The page itself carries no data, so it stays open (the API-key guard leaves /live open). */
  @Get('live')
  page(@Res() res: Response): void {
    res
      .status(200)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': LIVE_VIEW_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
      })
      .send(LIVE_VIEW_HTML);
  }
}
