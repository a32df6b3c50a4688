import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { ApiErrors } from '../common/api-errors.decorator';
import { ContentAccessParam } from './content-access.decorator';
import { ContentArticlesService } from './content-articles.service';
import type { ContentBody } from './content-cache';
import {
  ContentArticlePageResponse,
  ContentArticleQueryDto,
  ContentArticleResponse,
  ContentArticlesQueryDto,
} from './content.dto';
import { ContentApi } from './content-route.decorator';

@ContentApi()
@Controller('api/v1/content/articles')
export class ContentArticlesController {
  constructor(private readonly articles: ContentArticlesService) {}

  @Get()
  @ApiOperation({
    summary: 'Public articles, newest first (by relevance with q)',
    description:
      'Filters combine with AND; several tags = articles with all of them. Keyset pages: pass meta.nextCursor ' +
      'as cursor. Items are the public document without bodyHtml/bodyText.',
  })
  @ApiResponse({ status: 200, type: ContentArticlePageResponse })
  @ApiResponse({ status: 304, description: 'If-None-Match matched the ETag' })
  @ApiErrors(400)
  list(
    @ContentAccessParam() access: ContentAccess,
    @Query() query: ContentArticlesQueryDto,
  ): Promise<ContentBody> {
    return this.articles.list(access, query);
  }

  @Get(':slug')
  @ApiOperation({
    summary: 'One public article by slug',
    description:
      'Without lang, when the slug exists in several languages: the visible one published first. asOf gives ' +
      'the version that was public then. Accept: application/ninjs+json or format=ninjs gives IPTC ninjs 3.1. ' +
      'Killed: 410 with the kill notice; unpublished or never public: 404.',
  })
  @ApiParam({ name: 'slug', example: 'political-consultations-held-in-astana' })
  @ApiProduces('application/json', 'application/ninjs+json')
  @ApiResponse({ status: 200, type: ContentArticleResponse })
  @ApiResponse({ status: 304, description: 'If-None-Match matched the ETag' })
  @ApiErrors(400, 404, 410)
  get(
    @Req() req: FastifyRequest,
    @ContentAccessParam() access: ContentAccess,
    @Param('slug') slug: string,
    @Query() query: ContentArticleQueryDto,
  ): Promise<ContentBody> {
    return this.articles.get(access, slug, query, req.headers.accept);
  }
}
