import { Controller, Get, Param, Query, Req, applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { ApiErrors } from '../common/api-errors.decorator';
import { ContentAccessParam } from './content-access.decorator';
import type { ContentBody } from './content-cache';
import { ContentLangQueryDto } from './content.dto';
import { ContentFeedsService } from './content-feeds.service';
import { ContentApi } from './content-route.decorator';

const FILE_PARAM = { name: 'file', enum: ['rss.xml', 'atom.xml', 'feed.json'] };
const FEED_TYPES = ['application/rss+xml', 'application/atom+xml', 'application/feed+json'];

/** A feed route in its three formats, with its OpenAPI description. */
const FeedRoute = (path: string, summary: string, ...extra: MethodDecorator[]) =>
  applyDecorators(
    Get(path),
    ApiOperation({ summary }),
    ApiParam(FILE_PARAM),
    ApiProduces(...FEED_TYPES),
    ApiResponse({ status: 200, description: 'The feed' }),
    ApiErrors(400, 404),
    ...extra,
  );

// Served under the Content API prefix and at the site root (/feeds/rss.xml, /sitemaps/news.xml), where
// feed readers and search engines expect them.
@ContentApi()
@Controller(['api/v1/content', ''])
export class ContentFeedsController {
  constructor(private readonly feeds: ContentFeedsService) {}

  @FeedRoute('feeds/:file', 'The latest 50 public articles as RSS 2.0, Atom 1.0 or JSON Feed 1.1')
  all(
    @Req() req: FastifyRequest,
    @ContentAccessParam() access: ContentAccess,
    @Param('file') file: string,
    @Query() query: ContentLangQueryDto,
  ): Promise<ContentBody> {
    return this.feeds.feed(access, file, { kind: 'all' }, query.lang, req.url);
  }

  @FeedRoute(
    'feeds/tags/:slug/:file',
    "A tag's feed (an old slug of a merged tag: 301)",
    ApiParam({ name: 'slug', example: 'energy' }),
    ApiResponse({ status: 301, description: 'Moved: Location names the current slug' }),
  )
  tag(
    @Req() req: FastifyRequest,
    @ContentAccessParam() access: ContentAccess,
    @Param('slug') slug: string,
    @Param('file') file: string,
    @Query() query: ContentLangQueryDto,
  ): Promise<ContentBody> {
    return this.feeds.feed(access, file, { kind: 'tag', slug }, query.lang, req.url);
  }

  @FeedRoute(
    'feeds/authors/:slug/:file',
    "An author's feed",
    ApiParam({ name: 'slug', example: 'adlet-seilkhanov' }),
  )
  author(
    @Req() req: FastifyRequest,
    @ContentAccessParam() access: ContentAccess,
    @Param('slug') slug: string,
    @Param('file') file: string,
    @Query() query: ContentLangQueryDto,
  ): Promise<ContentBody> {
    return this.feeds.feed(access, file, { kind: 'author', slug }, query.lang, req.url);
  }

  @Get('sitemaps/news.xml')
  @ApiOperation({ summary: 'Google News sitemap: articles first published in the last 48 hours' })
  @ApiProduces('application/xml')
  @ApiResponse({ status: 200, description: 'The sitemap' })
  newsSitemap(@ContentAccessParam() access: ContentAccess): Promise<ContentBody> {
    return this.feeds.newsSitemap(access);
  }
}
