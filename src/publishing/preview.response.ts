import { ApiProperty } from '@nestjs/swagger';
import { ARTICLE_GENRES } from '../articles/article.constants';
import { RENDITION_FORMATS } from '../media/media.constants';
import { TAG_KINDS } from '../tags/tag.constants';
import { NOTICE_KINDS, type NoticeKind, type PublicationStatus } from './publication.constants';
import type {
  PublicAuthor,
  PublicDocument,
  PublicNotice,
  PublicPicture,
  PublicRendition,
  PublicTag,
  PublicTranslationOf,
} from './publication.renderer';

// The OpenAPI shape of the preview: the public document as the renderer makes it. Each class implements the
// renderer's type, so a field added there and not here fails the build.

export class PreviewRenditionResponse implements PublicRendition {
  @ApiProperty({ example: '16x9-w1024' }) name: string;
  @ApiProperty({ enum: RENDITION_FORMATS }) format: string;
  @ApiProperty() width: number;
  @ApiProperty() height: number;
  @ApiProperty() bytes: number;
  @ApiProperty({ description: 'Public URL; the file name carries a hash of its bytes' }) url: string;
}

export class PreviewFocalPointResponse {
  @ApiProperty({ minimum: 0, maximum: 1 }) x: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) y: number;
}

export class PreviewPictureResponse implements PublicPicture {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['featured', 'inline'] }) usage: 'featured' | 'inline';
  @ApiProperty({ type: String, nullable: true, description: "This story's caption, else the library's" })
  caption: string | null;
  @ApiProperty({ type: String, nullable: true }) alt: string | null;
  @ApiProperty({ type: String, nullable: true }) credit: string | null;
  @ApiProperty({ type: String, nullable: true }) copyrightNotice: string | null;
  @ApiProperty({ type: String, nullable: true }) usageTerms: string | null;
  @ApiProperty() width: number;
  @ApiProperty() height: number;
  @ApiProperty({ type: String, nullable: true, description: 'ThumbHash, base64' }) placeholder: string | null;
  @ApiProperty({ type: PreviewFocalPointResponse }) focalPoint: PreviewFocalPointResponse;
  @ApiProperty({ type: [PreviewRenditionResponse] }) renditions: PreviewRenditionResponse[];
}

export class PreviewAuthorResponse implements PublicAuthor {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty({ example: 'writer' }) role: string;
  @ApiProperty({ type: String, nullable: true }) avatarUrl: string | null;
}

export class PreviewTagResponse implements PublicTag {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: TAG_KINDS }) kind: string;
  @ApiProperty({ type: String, nullable: true }) uri: string | null;
}

export class PreviewNoticeResponse implements PublicNotice {
  @ApiProperty({ enum: NOTICE_KINDS }) kind: NoticeKind;
  @ApiProperty() text: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class PreviewDatelineResponse {
  @ApiProperty({ example: 'ASTANA' }) place: string;
  @ApiProperty({ type: String, nullable: true, example: 'KAZINFORM' }) agency: string | null;
  @ApiProperty({ example: 'ASTANA. KAZINFORM –' }) text: string;
}

export class PreviewTranslationOfResponse implements PublicTranslationOf {
  @ApiProperty({ format: 'uuid', description: 'The source article' }) id: string;
  @ApiProperty({ example: 'kk' }) language: string;
  @ApiProperty({ type: Number, nullable: true, description: "The source's version the translation matches" })
  version: number | null;
}

/** The public document the working copy would be if it were published now (GET …/preview). */
export class PreviewResponse implements PublicDocument {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['live'], description: 'Always live: the document as it would be published' })
  status: PublicationStatus;
  @ApiProperty({ description: '0: a preview has no public version' }) version: number;
  @ApiProperty() slug: string;
  @ApiProperty({ example: 'en' }) language: string;
  @ApiProperty({ format: 'uuid' }) translationGroupId: string;
  @ApiProperty({ enum: ARTICLE_GENRES }) genre: string;
  @ApiProperty() headline: string;
  @ApiProperty({ type: String, nullable: true }) subheadline: string | null;
  @ApiProperty({ type: String, nullable: true }) summary: string | null;
  @ApiProperty({ type: PreviewDatelineResponse, nullable: true }) dateline: PreviewDatelineResponse | null;
  @ApiProperty({ description: 'Sanitized HTML, the rendered dateline in front of the first paragraph' })
  bodyHtml: string;
  @ApiProperty() bodyText: string;
  @ApiProperty() wordCount: number;
  @ApiProperty({ type: String, nullable: true }) source: string | null;
  @ApiProperty({ minimum: 1, maximum: 9 }) urgency: number;
  @ApiProperty({ type: String, nullable: true }) byline: string | null;
  @ApiProperty({ type: [PreviewAuthorResponse] }) authors: PreviewAuthorResponse[];
  @ApiProperty({ type: [PreviewTagResponse] }) tags: PreviewTagResponse[];
  @ApiProperty({
    type: [PreviewPictureResponse],
    description: 'The featured picture first, then the figures',
  })
  pictures: PreviewPictureResponse[];
  @ApiProperty({ format: 'date-time' }) firstPublishedAt: string;
  @ApiProperty({ format: 'date-time', description: 'Now, for a preview' }) publishedAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ example: 'Asia/Almaty' }) timezone: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) embargoUntil: string | null;
  @ApiProperty({ type: [PreviewNoticeResponse] }) notices: PreviewNoticeResponse[];
  @ApiProperty({ type: PreviewTranslationOfResponse, nullable: true, description: 'Set on a translation' })
  translationOf: PreviewTranslationOfResponse | null;
}
