import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RENDITIONS_STATUSES, type Media, type RenditionsStatus, type StoredRendition } from './media.entity';
import { renditionUrl } from './media-urls';

export class RenditionResponse {
  @ApiProperty({ example: '16x9-w1024' }) name: string;
  @ApiProperty({ enum: ['avif', 'webp', 'jpeg'] }) format: StoredRendition['format'];
  @ApiProperty() width: number;
  @ApiProperty() height: number;
  @ApiProperty() bytes: number;
  @ApiProperty({ description: 'First 16 hex digits of the SHA-256 of the file' }) hash: string;
  @ApiProperty({ description: 'Public URL (immutable: a changed file gets a new one)' }) url: string;
}

export class MediaResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() sha256: string;
  @ApiProperty({ example: 'image/jpeg' }) mimeType: string;
  @ApiPropertyOptional({ nullable: true }) originalName: string | null;
  @ApiProperty() byteSize: number;
  @ApiProperty({ description: 'After EXIF orientation' }) width: number;
  @ApiProperty() height: number;
  @ApiPropertyOptional({ nullable: true }) caption: string | null;
  @ApiPropertyOptional({ nullable: true }) altText: string | null;
  @ApiPropertyOptional({ nullable: true }) credit: string | null;
  @ApiPropertyOptional({ nullable: true }) copyrightNotice: string | null;
  @ApiPropertyOptional({ nullable: true }) usageTerms: string | null;
  @ApiPropertyOptional({ nullable: true }) source: string | null;
  @ApiPropertyOptional({ nullable: true }) photographer: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) takenAt: string | null;
  @ApiProperty() focalX: number;
  @ApiProperty() focalY: number;
  @ApiPropertyOptional({ nullable: true, description: 'ThumbHash, base64' }) placeholder: string | null;
  @ApiProperty({ enum: RENDITIONS_STATUSES }) renditionsStatus: RenditionsStatus;
  @ApiPropertyOptional({ nullable: true }) renditionsError: string | null;
  @ApiProperty({ type: [RenditionResponse] }) renditions: RenditionResponse[];
  @ApiProperty({ description: 'Send back as If-Match' }) version: number;
  @ApiPropertyOptional({ nullable: true, format: 'uuid' }) createdBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class MediaPageResponse {
  @ApiProperty({ type: [MediaResponse] }) data: MediaResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
}

export function toMediaResponse(m: Media, baseUrl: string): MediaResponse {
  return {
    id: m.id,
    sha256: m.sha256,
    mimeType: m.mimeType,
    originalName: m.originalName,
    byteSize: m.byteSize,
    width: m.width,
    height: m.height,
    caption: m.caption,
    altText: m.altText,
    credit: m.credit,
    copyrightNotice: m.copyrightNotice,
    usageTerms: m.usageTerms,
    source: m.source,
    photographer: m.photographer,
    takenAt: m.takenAt?.toISOString() ?? null,
    focalX: m.focalX,
    focalY: m.focalY,
    placeholder: m.placeholder,
    renditionsStatus: m.renditionsStatus,
    renditionsError: m.renditionsError,
    renditions: m.renditions.map((r) => ({
      name: r.name,
      format: r.format,
      width: r.width,
      height: r.height,
      bytes: r.bytes,
      hash: r.hash,
      url: renditionUrl(baseUrl, m.id, r),
    })),
    version: m.version,
    createdBy: m.createdBy,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}
