import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, flushLogger, type Logger } from './logger';

/** Loads the configuration or stops the process with a message naming every bad variable. */
export function bootstrap(name: string): { config: Config; logger: Logger } {
  try {
    const config = loadConfig();
    return { config, logger: createLogger({ level: config.logLevel, name }) };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Runs `stop` once on SIGTERM or SIGINT and exits 0 when it is done; exits 1 if stopping failed.
 * The whole shutdown is bounded by `timeoutMs`: past it the process exits anyway, so an
 * orchestrator never has to SIGKILL it.
 */
export function onShutdownSignal(logger: Logger, stop: (signal: string) => Promise<void>, timeoutMs: number): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, timeoutMs }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(0);
    }, timeoutMs);
    deadline.unref();
    stop(signal).then(
      async () => {
        logger.info('shutdown complete');
        await flushLogger(logger);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a terminal's Ctrl-C reaches this process twice (from the terminal to the
  // whole process group, and forwarded by `npm start`), and a second signal without a handler
  // would kill the process mid-shutdown, leaving the embedded PostgreSQL behind.
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/**
 * Bounds the garbage a server process holds between full collections. Under load V8 lets the
 * old generation grow to up to 4× the live heap before collecting it, so a process with 30 MB
 * live sat at 210-240 MB RSS after a load test. Capping the growth at `heapGrowthPercent` (100:
 * twice the live heap) costs more frequent full collections, which are incremental and mostly
 * concurrent, for a resident size that fits small containers: many small instances are how this
 * backend scales. V8 reads this flag whenever it sets the next limit, so setting it at start
 * takes effect although the heap already exists.
 */
export function applyMemoryPolicy(memory: Config['memory']): void {
  if (memory.heapGrowthPercent > 0) setFlagsFromString(`--heap-growing-percent=${memory.heapGrowthPercent}`);
}
