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
import { CreateAuthorDto, ListAuthorsQueryDto, UpdateAuthorDto } from './author.dto';
import { AuthorPageResponse, AuthorResponse, toAuthorResponse } from './author.response';
import { AuthorsService } from './authors.service';

@ApiTags('authors')
@ApiErrors(401, 403)
@Controller('api/v1/authors')
export class AuthorsController {
  constructor(private readonly authors: AuthorsService) {}

  @Get()
  @Roles('writer')
  @ApiOperation({ summary: 'List authors by name; search with q, filter with active' })
  @ApiResponse({ status: 200, type: AuthorPageResponse })
  @ApiErrors(400)
  async list(@Query() query: ListAuthorsQueryDto): Promise<Page<AuthorResponse>> {
    return mapPage(await this.authors.list(query), toAuthorResponse);
  }

  @Post()
  @Roles('editor')
  @ApiOperation({ summary: 'Create an author; the slug is generated from the name unless given' })
  @ApiResponse({ status: 201, type: AuthorResponse })
  @ApiErrors(400, 409)
  async create(@CurrentUser() actor: Actor, @Body() dto: CreateAuthorDto): Promise<AuthorResponse> {
    return toAuthorResponse(await this.authors.create(actor, dto));
  }

  @Get(':id')
  @Roles('writer')
  @ApiOperation({ summary: 'Get an author' })
  @ApiResponse({ status: 200, type: AuthorResponse })
  @ApiErrors(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<AuthorResponse> {
    return toAuthorResponse(await this.authors.get(id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change an author; null clears an optional field' })
  @ApiResponse({ status: 200, type: AuthorResponse })
  @ApiErrors(400, 404, 409)
  async update(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateAuthorDto,
  ): Promise<AuthorResponse> {
    return toAuthorResponse(await this.authors.update(actor, id, dto));
  }

  @Post(':id/deactivate')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deactivate an author (idempotent)' })
  @ApiResponse({ status: 200, type: AuthorResponse })
  @ApiErrors(400, 404)
  async deactivate(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<AuthorResponse> {
    return toAuthorResponse(await this.authors.deactivate(actor, id));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an author; refused with 409 while articles use it' })
  @ApiResponse({ status: 204 })
  @ApiErrors(400, 404, 409)
  async remove(@CurrentUser() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.authors.remove(actor, id);
  }
}
