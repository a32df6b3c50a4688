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
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/api-errors.decorator';
import { type Actor, CurrentUser, Roles } from '../common/auth.decorators';
import type { Page } from '../common/pagination';
import { ListMediaQueryDto, UpdateMediaDto, UploadMediaForm } from './media.dto';
import { MEDIA_ETAG_HEADER, MediaEtagInterceptor, MediaIfMatch } from './media-etag';
import { MediaPageResponse, MediaResponse } from './media.response';
import { MediaService } from './media.service';

const ID = { name: 'id', format: 'uuid', description: 'Picture id' };
const IF_MATCH = {
  name: 'If-Match',
  required: true,
  description: 'The version being edited ("3"). Missing → 428; stale → 412.',
};

@ApiTags('media')
@Roles('writer')
@ApiErrors(401, 403)
@Controller('api/v1/media')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Post()
  @UseInterceptors(MediaEtagInterceptor)
  @ApiOperation({
    summary: 'Upload a picture',
    description:
      'multipart/form-data with the file in `file` and optional text fields (caption, altText, credit, ' +
      'copyrightNotice, usageTerms, source, photographer, takenAt, focalX, focalY) that win over the ' +
      "file's own IPTC/XMP/EXIF. The same bytes again: 200 with the existing picture. Renditions are made " +
      'in the background (renditionsStatus pending → ready).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadMediaForm })
  @ApiResponse({ status: 201, type: MediaResponse, headers: MEDIA_ETAG_HEADER })
  @ApiResponse({ status: 200, type: MediaResponse, description: 'Already in the library (same SHA-256)' })
  @ApiErrors(400, 413, 415, 422)
  async upload(
    @CurrentUser() actor: Actor,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MediaResponse> {
    const { created, media } = await this.media.upload(actor, req);
    void reply.status(created ? 201 : 200);
    return media;
  }

  @Get()
  @ApiOperation({
    summary: 'The library, newest first',
    description: 'Keyset pagination: pass meta.nextCursor back as cursor.',
  })
  @ApiResponse({ status: 200, type: MediaPageResponse })
  @ApiErrors(400)
  list(@Query() query: ListMediaQueryDto): Promise<Page<MediaResponse>> {
    return this.media.list(query);
  }

  @Get(':id')
  @UseInterceptors(MediaEtagInterceptor)
  @ApiOperation({ summary: 'One picture with its renditions' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, type: MediaResponse, headers: MEDIA_ETAG_HEADER })
  @ApiErrors(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<MediaResponse> {
    return this.media.get(id);
  }

  @Patch(':id')
  @UseInterceptors(MediaEtagInterceptor)
  @ApiOperation({
    summary: "Change a picture's description or focal point",
    description:
      'null clears a text field. A new focal point makes the renditions again. Writers: own pictures only.',
  })
  @ApiParam(ID)
  @ApiHeader(IF_MATCH)
  @ApiResponse({ status: 200, type: MediaResponse, headers: MEDIA_ETAG_HEADER })
  @ApiErrors(400, 404, 412, 428)
  update(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @MediaIfMatch() version: number,
    @Body() dto: UpdateMediaDto,
  ): Promise<MediaResponse> {
    return this.media.update(actor, id, version, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a picture and its files. Writers: own pictures only.' })
  @ApiParam(ID)
  @ApiHeader(IF_MATCH)
  @ApiResponse({ status: 204 })
  @ApiErrors(400, 404, 409, 412, 428)
  async remove(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @MediaIfMatch() version: number,
  ): Promise<void> {
    await this.media.remove(actor, id, version);
  }
}
