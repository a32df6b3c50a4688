import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotifyListener } from '../database/notify-listener';
import { currentTags } from '../tags/tag-directory';
import { PARTNER_CHANGED_CHANNEL, type TagMatch } from './partner.constants';
import type { PartnerScope } from './partner-scope';

interface Entry {
  scope: PartnerScope | null;
  until: number;
}

const CACHE_TTL_MS = 30_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * The subscription of the partner an API key belongs to (null: the key is no partner's), cached per key so a
 * read costs no database round trip for it. A trigger NOTIFYs every change of a partner or of its keys and
 * each instance drops the whole cache at once; while the listener is down the cache is bypassed, and a lookup
 * during which a change was announced is not kept (the same rules as the API key cache).
 */
@Injectable()
export class PartnerScopes implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PartnerScopes.name);
  private readonly cache = new Map<string, Entry>();
  private readonly listener: NotifyListener;
  private epoch = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.listener = new NotifyListener({
      url: (dataSource.options as { url?: string }).url,
      channel: PARTNER_CHANGED_CHANNEL,
      logger: this.logger,
      lostMessage:
        'Partner change listener lost; partner subscriptions are read per request until it reconnects',
      onNotify: () => this.clear(),
      onReset: () => this.clear(),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
  }

  async forKey(apiKeyId: string): Promise<PartnerScope | null> {
    const now = Date.now();
    const hit = this.listener.listening ? this.cache.get(apiKeyId) : undefined;
    if (hit && hit.until > now) return hit.scope;
    const epoch = this.epoch;
    const scope = await this.load(apiKeyId);
    if (this.listener.listening && epoch === this.epoch) {
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
      this.cache.set(apiKeyId, { scope, until: now + CACHE_TTL_MS });
    }
    return scope;
  }

  clear(): void {
    this.epoch++;
    this.cache.clear();
  }

  private async load(apiKeyId: string): Promise<PartnerScope | null> {
    return this.dataSource.transaction(async (em) => {
      const [row] = await em.query<
        {
          id: string;
          version: number;
          languages: string[];
          genres: string[];
          tag_ids: string[];
          tag_match: TagMatch;
          embargoed_early: boolean;
        }[]
      >(
        `SELECT p.id, p.version, p.languages, p.genres, p.tag_ids, p.tag_match, p.embargoed_early
           FROM partner_api_key k JOIN partner p ON p.id = k.partner_id WHERE k.api_key_id = $1`,
        [apiKeyId],
      );
      if (!row) return null;
      // A subscribed tag merged away since stands for the tag it was merged into (what documents now carry).
      const { merged } = await currentTags(em, row.tag_ids);
      return {
        partnerId: row.id,
        version: row.version,
        languages: row.languages,
        genres: row.genres,
        tagIds: [...new Set(row.tag_ids.map((id) => merged.get(id) ?? id))],
        tagMatch: row.tag_match,
        embargoedEarly: row.embargoed_early,
      };
    });
  }
}
