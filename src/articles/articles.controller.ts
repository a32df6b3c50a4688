import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { type Actor, CurrentUser, Roles } from '../common/auth.decorators';
import { PageQueryDto, type Page } from '../common/pagination';
import {
  ConfirmTranslationDto,
  CreateArticleDto,
  CreateTranslationDto,
  ListArticlesQueryDto,
  RevisionDiffQueryDto,
  UpdateArticleDto,
} from './article.dto';
import { IfMatchVersion, RequiresIfMatch, VersionedResponse } from '../common/if-match';
import {
  ArticlePageResponse,
  ArticleWithActionsResponse,
  type ArticleSummaryWithActionsResponse,
  RevisionDiffResponse,
  RevisionPageResponse,
  RevisionResponse,
  type RevisionSummaryResponse,
  TranslationFamilyResponse,
  withAllowedActions,
} from './article.response';
import { ArticleListsService } from './article-lists.service';
import { ArticleRevisionsService } from './article-revisions.service';
import { ArticleTranslationsService } from './article-translations.service';
import { ArticlesService } from './articles.service';

const ID = { name: 'id', format: 'uuid', description: 'Article id' };
const REVISION = { name: 'n', type: Number, description: 'Revision number (1, 2, 3…)' };

@ApiTags('articles')
@Roles('writer')
@ApiErrors(401, 403)
@Controller('api/v1/articles')
export class ArticlesController {
  constructor(
    private readonly articles: ArticlesService,
    private readonly lists: ArticleListsService,
    private readonly revisions: ArticleRevisionsService,
    private readonly translations: ArticleTranslationsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a draft (version 1, revision 1)' })
  @VersionedResponse(201, ArticleWithActionsResponse)
  @ApiErrors(400, 409)
  async create(
    @CurrentUser() actor: Actor,
    @Body() dto: CreateArticleDto,
  ): Promise<ArticleWithActionsResponse> {
    return withAllowedActions(actor, await this.articles.create(actor, dto));
  }

  @Get()
  @ApiOperation({
    summary: 'List articles, most recently updated first',
    description: 'Filters combine with AND. Keyset pagination: pass meta.nextCursor back as cursor.',
  })
  @ApiResponse({ status: 200, type: ArticlePageResponse })
  @ApiErrors(400)
  async list(
    @CurrentUser() actor: Actor,
    @Query() query: ListArticlesQueryDto,
  ): Promise<Page<ArticleSummaryWithActionsResponse>> {
    const page = await this.lists.list(actor, query);
    return { ...page, data: page.data.map((a) => withAllowedActions(actor, a)) };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get the working copy of an article',
    description: 'ETag carries the version for If-Match.',
  })
  @ApiParam(ID)
  @VersionedResponse(200, ArticleWithActionsResponse)
  @ApiErrors(400, 404)
  async get(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ArticleWithActionsResponse> {
    return withAllowedActions(actor, await this.articles.get(actor, id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change fields of the working copy',
    description:
      'Only the fields sent change; null clears a nullable field. A change bumps the version and appends a revision. ' +
      'Writers may change only their own articles; their change of an approved or scheduled article sends it back ' +
      'to in_review (the schedule cancelled), of a published one under a future embargo is refused with 409.',
  })
  @ApiParam(ID)
  @RequiresIfMatch()
  @VersionedResponse(200, ArticleWithActionsResponse)
  @ApiErrors(400, 404, 409, 412, 428)
  async update(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: UpdateArticleDto,
  ): Promise<ArticleWithActionsResponse> {
    return withAllowedActions(actor, await this.articles.update(actor, id, version, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a draft that was never published (any other state: 409)' })
  @ApiParam(ID)
  @RequiresIfMatch()
  @ApiResponse({ status: 204 })
  @ApiErrors(400, 404, 409, 412, 428)
  async remove(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatchVersion() version: number,
  ): Promise<void> {
    await this.articles.remove(actor, id, version);
  }

  @Get(':id/revisions')
  @ApiOperation({ summary: 'List revisions, newest first (without snapshots)' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, type: RevisionPageResponse })
  @ApiErrors(400, 404)
  listRevisions(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<RevisionSummaryResponse>> {
    return this.revisions.listRevisions(actor, id, query);
  }

  @Get(':id/revisions/:n')
  @ApiOperation({ summary: 'Get one revision with its full snapshot' })
  @ApiParam(ID)
  @ApiParam(REVISION)
  @ApiResponse({ status: 200, type: RevisionResponse })
  @ApiErrors(400, 404)
  getRevision(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('n', ParseIntPipe) n: number,
  ): Promise<RevisionResponse> {
    return this.revisions.getRevision(actor, id, n);
  }

  @Get(':id/revisions/:n/diff')
  @ApiOperation({
    summary: 'Changes between two revisions',
    description:
      'Field-level changes and a word-level diff of the body text, from revision `against` (default n-1) to n.',
  })
  @ApiParam(ID)
  @ApiParam(REVISION)
  @ApiResponse({ status: 200, type: RevisionDiffResponse })
  @ApiErrors(400, 404)
  diff(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('n', ParseIntPipe) n: number,
    @Query() query: RevisionDiffQueryDto,
  ): Promise<RevisionDiffResponse> {
    return this.revisions.diffRevisions(actor, id, n, query.against);
  }

  @Post(':id/revisions/:n/restore')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Restore a revision',
    description:
      'Copies the revision’s editable fields onto the working copy as a new revision ("Restored revision n"). ' +
      'Authors or tags deleted since: 409 naming them. Edits after approval as for PATCH.',
  })
  @ApiParam(ID)
  @ApiParam(REVISION)
  @RequiresIfMatch()
  @VersionedResponse(200, ArticleWithActionsResponse)
  @ApiErrors(400, 404, 409, 412, 428)
  async restore(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('n', ParseIntPipe) n: number,
    @IfMatchVersion() version: number,
  ): Promise<ArticleWithActionsResponse> {
    return withAllowedActions(actor, await this.revisions.restoreRevision(actor, id, n, version));
  }

  @Post(':id/translations')
  @ApiOperation({
    summary: 'Create a linked draft in another language',
    description:
      'Same translation group; dateline, tags, genre, source and urgency copied; the headline copied as a placeholder. ' +
      'The source article is not changed, so If-Match is optional (checked when sent). ETag is the new draft’s.',
  })
  @ApiParam(ID)
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'Optional: the source version you translate from',
  })
  @VersionedResponse(201, ArticleWithActionsResponse)
  @ApiErrors(400, 404, 409, 412)
  async createTranslation(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatchVersion({ optional: true }) version: number | undefined,
    @Body() dto: CreateTranslationDto,
  ): Promise<ArticleWithActionsResponse> {
    return withAllowedActions(actor, await this.translations.createTranslation(actor, id, dto, version));
  }

  @Post(':id/translation/confirm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm a translation still matches its source',
    description:
      '"No change needed": moves the translation\'s base to its source\'s current version, clearing ' +
      '`translationOf.stale`; a new version and revision, audited. It changes no content: a published or approved ' +
      'translation stays so (a public one is re-rendered to name the new source version). Already current: ' +
      'nothing written. 409 when the article is not a translation, or when `sourceVersion` is no longer current.',
  })
  @ApiParam(ID)
  @RequiresIfMatch()
  @VersionedResponse(200, ArticleWithActionsResponse)
  @ApiErrors(400, 404, 409, 412, 428)
  async confirmTranslation(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: ConfirmTranslationDto,
  ): Promise<ArticleWithActionsResponse> {
    return withAllowedActions(actor, await this.translations.confirmTranslation(actor, id, version, dto));
  }

  @Get(':id/translations')
  @ApiOperation({ summary: 'The translation family of an article (itself included)' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, type: TranslationFamilyResponse })
  @ApiErrors(400, 404)
  listTranslations(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<TranslationFamilyResponse> {
    return this.translations.listTranslations(actor, id);
  }
}
