import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { type Actor, CurrentUser, Roles } from '../common/auth.decorators';
import { mapPage, type Page } from '../common/pagination';
import { CreateTagDto, ListTagsQueryDto, MergeTagDto, UpdateTagDto } from './tag.dto';
import {
  TagDetailResponse,
  TagLookupResponse,
  TagPageResponse,
  TagResponse,
  toTagDetailResponse,
  toTagLookupResponse,
  toTagResponse,
} from './tag.response';
import { TagsService } from './tags.service';

@ApiTags('tags')
@ApiErrors(401, 403)
@Controller('api/v1/tags')
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @Get()
  @Roles('writer')
  @ApiOperation({ summary: 'List tags by name; filter with kind, autocomplete with the name prefix q' })
  @ApiResponse({ status: 200, type: TagPageResponse })
  @ApiErrors(400)
  async list(@Query() query: ListTagsQueryDto): Promise<Page<TagResponse>> {
    return mapPage(await this.tags.list(query), toTagResponse);
  }

  @Post()
  @Roles('editor')
  @ApiOperation({ summary: 'Create a tag; the slug is generated from the name unless given' })
  @ApiResponse({ status: 201, type: TagDetailResponse })
  @ApiErrors(400, 409)
  async create(@CurrentUser() actor: Actor, @Body() dto: CreateTagDto): Promise<TagDetailResponse> {
    return toTagDetailResponse(await this.tags.create(actor, dto));
  }

  @Get('by-slug/:slug')
  @Roles('writer')
  @ApiOperation({ summary: 'Get a tag by slug; an old slug of a merged tag gives the target (aliasOf)' })
  @ApiResponse({ status: 200, type: TagLookupResponse })
  @ApiErrors(404)
  async getBySlug(@Param('slug') slug: string): Promise<TagLookupResponse> {
    return toTagLookupResponse(await this.tags.getBySlug(slug));
  }

  @Get(':id')
  @Roles('writer')
  @ApiOperation({ summary: 'Get a tag with its aliases' })
  @ApiResponse({ status: 200, type: TagDetailResponse })
  @ApiErrors(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<TagDetailResponse> {
    return toTagDetailResponse(await this.tags.get(id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a tag; a changed slug keeps the old one as an alias' })
  @ApiResponse({ status: 200, type: TagDetailResponse })
  @ApiErrors(400, 404, 409)
  async update(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateTagDto,
  ): Promise<TagDetailResponse> {
    return toTagDetailResponse(await this.tags.update(actor, id, dto));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a tag; refused with 409 while articles use it' })
  @ApiResponse({ status: 204 })
  @ApiErrors(400, 404, 409)
  async remove(@CurrentUser() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.tags.remove(actor, id);
  }

  @Post(':id/merge')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Merge a tag into another: uses move, the old slug becomes an alias, the tag is deleted',
  })
  @ApiResponse({ status: 200, type: TagDetailResponse, description: 'The target tag' })
  @ApiErrors(400, 404, 409)
  async merge(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: MergeTagDto,
  ): Promise<TagDetailResponse> {
    return toTagDetailResponse(await this.tags.merge(actor, id, dto.into));
  }
}
