import type { WebSocket } from 'ws';

/**
 * What one socket still has to send, bounded. Messages go straight to the socket while its
 * buffer is small; once a client reads slower than it is sent to, new messages wait here and the
 * oldest waiting ones are dropped, so a slow client loses old live updates, never the server's
 * memory.
 */
export class SocketOutbox {
  private queue: { id: string; message: string }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly limits: { maxBufferedBytes: number; maxQueuedMessages: number; retryMs: number },
    private readonly onDrop: () => void,
  ) {}

  send(id: string, message: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.queue.length === 0 && this.socket.bufferedAmount <= this.limits.maxBufferedBytes) {
      this.socket.send(message);
      return;
    }
    this.queue.push({ id, message });
    if (this.queue.length > this.limits.maxQueuedMessages) {
      this.queue.shift();
      this.onDrop();
    }
    this.timer ??= setTimeout(this.flush, this.limits.retryMs);
  }

  /** Drops what is still queued for an operation that ended, so nothing follows its `complete`. */
  forget(id: string): void {
    if (this.queue.length > 0) this.queue = this.queue.filter((entry) => entry.id !== id);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }

  private readonly flush = (): void => {
    this.timer = undefined;
    if (this.socket.readyState !== this.socket.OPEN) return this.close();
    while (this.queue.length > 0 && this.socket.bufferedAmount <= this.limits.maxBufferedBytes) {
      this.socket.send(this.queue.shift()!.message);
    }
    if (this.queue.length > 0) this.timer = setTimeout(this.flush, this.limits.retryMs);
  };
}
