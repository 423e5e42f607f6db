/**
 * Typed configuration, read once from the environment at start. Every bad value is reported
 * together, each naming its variable, so an operator fixes them in one go. Each concern's
 * variables live in its own file under sections/; load-config.ts assembles them.
 */
export { ConfigError } from './env-reader';
export { loadConfig, type Config, type LogLevel, type NodeEnv } from './load-config';
