import { Catch } from '@nestjs/common';
import type { RpcExceptionFilter } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { throwError } from 'rxjs';

/**
 * Nest's default RPC filter replaces any error with a generic "Internal server error", which would
 * hide from KafkaBatchTransport whether a failure is transient. This passes errors through as-is.
 */
@Catch()
export class RethrowRpcFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
