import { Module } from '@nestjs/common';
import { AuthorsModule } from '../authors/authors.module';
import { TagsModule } from '../tags/tags.module';
import { ArticlesModule } from '../articles/articles.module';
import { ImporterController } from './importer.controller';
import { ImporterService } from './importer.service';

@Module({
  imports: [ArticlesModule, AuthorsModule, TagsModule],
  controllers: [ImporterController],
  providers: [ImporterService],
  exports: [ImporterService],
})
export class ImporterModule {}
