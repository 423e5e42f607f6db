/**
 * Thrown by a job handler to run the job again after `delayMs` without spending one of its
 * attempts: for a failure that never reached the dependency, such as a circuit breaker failing
 * fast. Only tries that reached the dependency count towards giving up.
 */
export class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}
