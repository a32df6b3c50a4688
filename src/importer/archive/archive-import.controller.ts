import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../../common/api-errors.decorator';
import { type Actor, CurrentUser, Roles } from '../../common/auth.decorators';
import { importConfig, type ImportConfig } from '../../config/configuration';
import { ArchiveUploadQueryDto, ImportProblemsQueryDto, UPLOAD_BATCH_SIZE } from './archive-import.dto';
import {
  ImportJobResponse,
  ImportProblemsResponse,
  toImportJobResponse,
  toImportProblem,
} from './archive-import.response';
import { ArchiveImportService } from './archive-import.service';
import { NdjsonBody } from './ndjson-body.decorator';

const NDJSON_EXAMPLE =
  '{"id":"kz-2023-0001","headline":"Political consultations held in Astana","language":"en",' +
  '"publishedAt":"2023-06-30T21:38:00+06:00","dateline":{"place":"ASTANA"},' +
  '"body":"<p>The third round of consultations took place…</p>","authors":["Adlet Seilkhanov"],' +
  '"tags":["Kazakhstan and Canada",{"name":"Astana","kind":"place"}]}\n';

@ApiTags('imports')
@Roles('admin')
@ApiErrors(401, 403)
@Controller('api/v1/imports/archive')
export class ArchiveImportController {
  constructor(
    private readonly imports: ArchiveImportService,
    @Inject(importConfig.KEY) private readonly config: ImportConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Upload an archive (NDJSON) to import as published stories',
    description:
      'The body is streamed to the media store (at most ARCHIVE_UPLOAD_MAX_BYTES) and imported by the job ' +
      'engine in batches; follow it at the Location. Items whose key was imported before are skipped; bad ' +
      'lines are listed under problems and do not stop the rest (docs/importing.md).',
  })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ schema: { type: 'string', example: NDJSON_EXAMPLE } })
  @ApiResponse({ status: 202, type: ImportJobResponse, description: 'The queued import job' })
  @ApiErrors(400, 413, 415)
  async upload(
    @CurrentUser() actor: Actor,
    @NdjsonBody() body: AsyncIterable<Buffer>,
    @Query() query: ArchiveUploadQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportJobResponse> {
    const job = await this.imports.startUpload(
      actor,
      body,
      query.format ?? 'ndjson',
      { batchSize: query.batchSize ?? UPLOAD_BATCH_SIZE },
      this.config.archiveUploadMaxBytes,
    );
    void reply.header('location', `/api/v1/imports/archive/${job.id}`);
    return toImportJobResponse(job);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An import job: status, checkpoint, counts and speed' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, type: ImportJobResponse })
  @ApiErrors(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<ImportJobResponse> {
    return toImportJobResponse(await this.imports.get(id));
  }

  @Get(':id/problems')
  @ApiOperation({ summary: 'The records an import refused, in source order, with where they are and why' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, type: ImportProblemsResponse })
  @ApiErrors(400, 404)
  async problems(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ImportProblemsQueryDto,
  ): Promise<ImportProblemsResponse> {
    const limit = query.limit ?? 100;
    const rows = await this.imports.problems(id, query.after ?? 0, limit);
    const data = rows.map(toImportProblem);
    return { data, meta: { next: data.length === limit ? data[data.length - 1].record : null } };
  }
}
