import { ConsoleLogger } from '@nestjs/common';
import type { LogLevel } from '@nestjs/common';

const LEVELS: Record<string, LogLevel[]> = {
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  info: ['fatal', 'error', 'warn', 'log'],
  warn: ['fatal', 'error', 'warn'],
  error: ['fatal', 'error'],
};

/**
 * One JSON object per line (level, time, context, message, pid). Callers log ids and counts, never
 * profile text or names: the contracts' documents stay out of log lines by convention and review.
 */
export function createJsonLogger(level: string): ConsoleLogger {
  return new ConsoleLogger({ json: true, logLevels: LEVELS[level] ?? LEVELS.info, colors: false });
}
