import pino from 'pino';
import type { LogLevel } from './config';
import { activeTraceIds } from './tracing';

export type Logger = pino.Logger;

/** Paths that may carry secrets or personal data; their values never reach a log line. */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'email',
  '*.email',
  'variables.*.password',
  'variables.*.email',
];

export function createLogger(options: { level: LogLevel; name?: string; destination?: pino.DestinationStream }): Logger {
  const settings: pino.LoggerOptions = {
    name: options.name ?? 'storefront-graph',
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every line written inside a span names it, so logs and traces join up.
    mixin: activeTraceIds,
  };
  return pino(settings, options.destination ?? asyncStdout());
}

/**
 * Standard output written asynchronously: lines collect in a buffer while a write is in flight
 * and go out together, so a request never waits for the terminal or the log shipper. Pino flushes
 * what is left when the process exits (also through `process.exit`), and `flushLogger` on shutdown.
 */
function asyncStdout(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}

/** Writes out buffered log lines; resolves once they are handed to the OS. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
