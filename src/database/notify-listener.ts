import type { Logger } from '@nestjs/common';
import { Client } from 'pg';

const RECONNECT_DELAY_MS = 1_000;

export interface NotifyListenerOptions {
  /** The database (the pool's URL); the listener keeps its own connection. */
  url: string | undefined;
  channel: string;
  logger: Logger;
  /** Logged when the connection is lost, e.g. "caching paused until it reconnects" */
  lostMessage: string;
  onNotify: (payload: string | undefined) => void;
  /** Called when listening starts or stops: anything cached meanwhile may have missed a notification. */
  onReset: () => void;
  /** Called once listening has (re)started, after `onReset`: from now on no notification is missed. */
  onListen?: () => void;
}

/**
 * LISTENs on one channel on a dedicated connection, reconnecting after a loss. `listening` is true only
 * while no notification can be missed, so caches invalidated by it are used only then.
 */
export class NotifyListener {
  private client: Client | null = null;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  listening = false;

  constructor(private readonly opts: NotifyListenerOptions) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.opts.url, connectionTimeoutMillis: 5000 });
    const lost = (err?: unknown) => {
      if (this.client !== client) return;
      this.client = null;
      this.listening = false;
      this.opts.onReset();
      client.removeAllListeners();
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      this.opts.logger.warn({ err }, this.opts.lostMessage);
      this.reconnectTimer = setTimeout(() => void this.start(), RECONNECT_DELAY_MS);
    };
    this.client = client;
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      if (msg.channel === this.opts.channel) this.opts.onNotify(msg.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.opts.channel}`);
      if (this.client !== client) {
        await client.end().catch(() => undefined); // stopped while connecting
        return;
      }
      this.opts.onReset();
      this.listening = true;
      this.opts.onListen?.();
    } catch (err) {
      if (this.client === client) lost(err);
      else await client.end().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }
}
