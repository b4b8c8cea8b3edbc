import { Module } from '@nestjs/common';
import { LiveViewController } from './live-view.controller';

/** GET /live: a dashboard page over the match stream and /v1/stats. */
@Module({ controllers: [LiveViewController] })
export class LiveViewModule {}
