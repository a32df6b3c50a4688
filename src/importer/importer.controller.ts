import { Controller, Get, Header, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../common/api-errors.decorator';
import { withAllowedActions } from '../articles/article.response';
import { type Actor, CurrentUser, Roles } from '../common/auth.decorators';
import { ExportQueryDto, ImportQueryDto } from './importer.dto';
import { ImportDryRunResponse, ImportResultResponse } from './importer.response';
import { ImporterService } from './importer.service';
import { PlainTextBody } from './plain-text.decorator';

const SEED_EXAMPLE = `Political consultations btw Kazakhstan and Canada held in Astana

30 June 2023, 21:38

ASTANA. KAZINFORM – The third round of Kazakh-Canadian political consultations took place…

Author:

Adlet Seilkhanov

Kazakhstan and Canada Ministry of Foreign Affairs
`;

// Static `import` and `:id/export` sit beside ArticlesController's routes under the same prefix;
// it has no POST /:id, so nothing there can take POST /import.
@ApiTags('articles')
@Roles('writer')
@ApiErrors(401, 403)
@Controller('api/v1/articles')
export class ImporterController {
  constructor(private readonly importer: ImporterService) {}

  @Post('import')
  @ApiOperation({
    summary: 'Import one Kazinform-style plain-text item as a draft',
    description:
      'Headline, time line, dateline, paragraphs, Author: block and tag line are read (docs/importing.md). ' +
      'Authors are matched by name or created; tags are matched against existing names, the rest becomes a ' +
      'new topic tag with a warning. The same text again (whitespace aside) returns the existing article ' +
      'with 200 and created: false.',
  })
  @ApiConsumes('text/plain')
  @ApiBody({ schema: { type: 'string', example: SEED_EXAMPLE } })
  @ApiResponse({ status: 201, type: ImportResultResponse, description: 'A new draft' })
  @ApiExtraModels(ImportResultResponse, ImportDryRunResponse)
  @ApiResponse({
    status: 200,
    description:
      'Imported before: the existing article (ImportResultResponse); with dryRun=true: the parsed fields ' +
      '(ImportDryRunResponse), nothing stored',
    schema: {
      oneOf: [{ $ref: getSchemaPath(ImportResultResponse) }, { $ref: getSchemaPath(ImportDryRunResponse) }],
    },
  })
  @ApiErrors(400, 415)
  async import(
    @CurrentUser() actor: Actor,
    @PlainTextBody() text: string,
    @Query() query: ImportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportResultResponse | ImportDryRunResponse> {
    if (query.dryRun) {
      void reply.status(200);
      return this.importer.dryRun(text, { language: query.language });
    }
    const result = await this.importer.importText(actor, text, { language: query.language });
    void reply.status(result.created ? 201 : 200);
    return { ...result, article: withAllowedActions(actor, result.article) };
  }

  @Get(':id/export')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({
    summary: 'Export an article as a Kazinform-style plain-text item',
    description:
      'The layout the importer reads; the time line shows the original (else first) publication time in ' +
      "the article's time zone.",
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Article id' })
  @ApiProduces('text/plain')
  @ApiResponse({
    status: 200,
    content: { 'text/plain': { schema: { type: 'string', example: SEED_EXAMPLE } } },
  })
  @ApiErrors(400, 404)
  exportText(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    // Only `text` exists; the DTO rejects any other format with 400.
    @Query() _query: ExportQueryDto,
  ): Promise<string> {
    return this.importer.exportText(actor, id);
  }
}
