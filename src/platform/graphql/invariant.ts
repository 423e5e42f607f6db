/** A broken assumption about our own data: logged in full, masked as INTERNAL_SERVER_ERROR. */
export class InternalInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InternalInvariantError';
  }
}
