import { Module } from '@nestjs/common';
import { AuthorsModule } from '../authors/authors.module';
import { MediaModule } from '../media/media.module';
import { PublishingModule } from '../publishing/publishing.module';
import { TagsModule } from '../tags/tags.module';
import { UsersModule } from '../users/users.module';
import { ArticlesModule } from '../articles/articles.module';
import { ArchiveBatchWriter } from './archive/archive-batch.writer';
import { ArchiveImportController } from './archive/archive-import.controller';
import { ArchiveImportJobs } from './archive/archive-import.jobs';
import { ArchiveImportService } from './archive/archive-import.service';
import { ImporterController } from './importer.controller';
import { ImporterService } from './importer.service';

/**
 * Kazinform plain-text import and export, and archive imports (owns `import_job` and
 * `import_job_problem`): stories are published through the publishing side's ArchivePublisher, uploads
 * are kept in the media store while they are imported.
 */
@Module({
  imports: [ArticlesModule, AuthorsModule, TagsModule, PublishingModule, MediaModule, UsersModule],
  controllers: [ImporterController, ArchiveImportController],
  providers: [ImporterService, ArchiveImportService, ArchiveBatchWriter, ArchiveImportJobs],
  exports: [ImporterService, ArchiveImportService],
})
export class ImporterModule {}
