import { BadRequestException, Logger } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { ClientErrorFilter } from './client-error.filter';

function httpHost() {
  const response = { status: jest.fn(), json: jest.fn() };
  response.status.mockReturnValue(response);
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
  return { host, response };
}

describe('ClientErrorFilter', () => {
  const filter = new ClientErrorFilter();

  it('answers a body-parser error with its 4xx and logs a warning without a stack', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { host, response } = httpHost();
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      type: 'entity.too.large',
    });

    filter.catch(tooLarge, host);

    expect(response.status).toHaveBeenCalledWith(413);
    expect(response.json).toHaveBeenCalledWith({
      statusCode: 413,
      error: 'entity.too.large',
      message: 'request entity too large',
    });
    expect(warn).toHaveBeenCalledWith('rejected request: 413 entity.too.large');
    expect(error).not.toHaveBeenCalled();
    warn.mockRestore();
    error.mockRestore();
  });

  it("leaves Nest's own exceptions and server errors to Nest", () => {
    const nest = jest
      .spyOn(BaseExceptionFilter.prototype, 'catch')
      .mockImplementation(() => undefined);
    const { host, response } = httpHost();
    filter.catch(new BadRequestException('bad'), host);
    filter.catch(Object.assign(new Error('boom'), { status: 503 }), host);
    filter.catch(new Error('bug'), host);
    expect(nest).toHaveBeenCalledTimes(3);
    expect(response.status).not.toHaveBeenCalled();
    nest.mockRestore();
  });
});
