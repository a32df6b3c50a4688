import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { ApiErrors } from '../common/api-errors.decorator';
import { ContentAccessParam } from './content-access.decorator';
import { ContentResponder } from './content-cache';
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
  constructor(
    private readonly taxonomy: ContentTaxonomyService,
    private readonly responder: ContentResponder,
  ) {}

  @Get('tags')
  @ApiOperation({ summary: 'Tags with public articles, by name, each with its latest 3' })
  @ApiResponse({ status: 200, type: ContentTagPageResponse })
  @ApiErrors(400)
  async tags(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @ContentAccessParam() access: ContentAccess,
    @Query() query: ContentTagsQueryDto,
  ): Promise<void> {
    this.responder.send(req, reply, access, await this.taxonomy.list('tag', access, query));
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
  async tag(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @ContentAccessParam() access: ContentAccess,
    @Param('slug') slug: string,
    @Query() query: ContentTaxonomyPageQueryDto,
  ): Promise<void> {
    this.responder.send(req, reply, access, await this.taxonomy.get('tag', access, slug, query, req.url));
  }

  @Get('authors')
  @ApiOperation({ summary: 'Authors with public articles, by name, each with their latest 3' })
  @ApiResponse({ status: 200, type: ContentAuthorPageResponse })
  @ApiErrors(400)
  async authors(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @ContentAccessParam() access: ContentAccess,
    @Query() query: ContentAuthorsQueryDto,
  ): Promise<void> {
    this.responder.send(req, reply, access, await this.taxonomy.list('author', access, query));
  }

  @Get('authors/:slug')
  @ApiOperation({ summary: 'An author with a page of their public articles' })
  @ApiParam({ name: 'slug', example: 'adlet-seilkhanov' })
  @ApiResponse({ status: 200, type: ContentAuthorDetailResponse })
  @ApiErrors(400, 404)
  async author(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @ContentAccessParam() access: ContentAccess,
    @Param('slug') slug: string,
    @Query() query: ContentTaxonomyPageQueryDto,
  ): Promise<void> {
    this.responder.send(req, reply, access, await this.taxonomy.get('author', access, slug, query, req.url));
  }
}
