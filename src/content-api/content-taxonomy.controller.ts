import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { ApiErrors } from '../common/api-errors.decorator';
import { ContentAccessParam } from './content-access.decorator';
import type { ContentBody } from './content-cache';
import {
  ContentAuthorDetailResponse,
  ContentAuthorPageResponse,
  ContentAuthorsQueryDto,
  ContentTagDetailResponse,
  ContentTagPageResponse,
  ContentTagsQueryDto,
  ContentTaxonomyPageQueryDto,
} from './content.dto';
import { ContentApi } from './content-route.decorator';
import { ContentTaxonomyService } from './content-taxonomy.service';

@ContentApi()
@Controller('api/v1/content')
export class ContentTaxonomyController {
  constructor(private readonly taxonomy: ContentTaxonomyService) {}

  @Get('tags')
  @ApiOperation({ summary: 'Tags with public articles, by name, each with its latest 3' })
  @ApiResponse({ status: 200, type: ContentTagPageResponse })
  @ApiErrors(400)
  tags(
    @ContentAccessParam() access: ContentAccess,
    @Query() query: ContentTagsQueryDto,
  ): Promise<ContentBody> {
    return this.taxonomy.list('tag', access, query);
  }

  @Get('tags/:slug')
  @ApiOperation({
    summary: 'A tag with a page of its public articles',
    description: 'An old slug of a merged or renamed tag answers 301 to the current one.',
  })
  @ApiParam({ name: 'slug', example: 'energy' })
  @ApiResponse({ status: 200, type: ContentTagDetailResponse })
  @ApiResponse({ status: 301, description: 'Moved: Location names the current slug' })
  @ApiErrors(400, 404)
  tag(
    @Req() req: FastifyRequest,
    @ContentAccessParam() access: ContentAccess,
    @Param('slug') slug: string,
    @Query() query: ContentTaxonomyPageQueryDto,
  ): Promise<ContentBody> {
    return this.taxonomy.get('tag', access, slug, query, req.url);
  }

  @Get('authors')
  @ApiOperation({ summary: 'Authors with public articles, by name, each with their latest 3' })
  @ApiResponse({ status: 200, type: ContentAuthorPageResponse })
  @ApiErrors(400)
  authors(
    @ContentAccessParam() access: ContentAccess,
    @Query() query: ContentAuthorsQueryDto,
  ): Promise<ContentBody> {
    return this.taxonomy.list('author', access, query);
  }

  @Get('authors/:slug')
  @ApiOperation({ summary: 'An author with a page of their public articles' })
  @ApiParam({ name: 'slug', example: 'adlet-seilkhanov' })
  @ApiResponse({ status: 200, type: ContentAuthorDetailResponse })
  @ApiErrors(400, 404)
  author(
    @Req() req: FastifyRequest,
    @ContentAccessParam() access: ContentAccess,
    @Param('slug') slug: string,
    @Query() query: ContentTaxonomyPageQueryDto,
  ): Promise<ContentBody> {
    return this.taxonomy.get('author', access, slug, query, req.url);
  }
}
