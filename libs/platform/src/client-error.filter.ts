import { Catch, HttpException, Logger } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/** An error of Express's body parser (http-errors): a 4xx about the request, not a fault of ours. */
interface RequestError {
  status: number;
  type?: string;
  message: string;
}

function isRequestError(exception: unknown): exception is RequestError {
  if (exception instanceof HttpException || typeof exception !== 'object' || exception === null)
    return false;
  const status = (exception as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Bad requests that fail before a handler runs (a body over the limit, malformed JSON) get their
 * 4xx with a short JSON body, as Nest would answer, but are logged as a warning without a stack
 * trace: Nest's default logs them as errors, which pages people for a client's mistake.
 */
@Catch()
export class ClientErrorFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('http');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (!isRequestError(exception) || host.getType() !== 'http') {
      super.catch(exception, host);
      return;
    }
    const response = host.switchToHttp().getResponse<{
      status(code: number): { json(body: unknown): void };
    }>();
    const reason = exception.type ?? 'bad-request';
    this.logger.warn(`rejected request: ${exception.status} ${reason}`);
    response.status(exception.status).json({
      statusCode: exception.status,
      error: reason,
      message: exception.message,
    });
  }
}
