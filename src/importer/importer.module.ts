import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { ImporterController } from './importer.controller';
import { ImporterService } from './importer.service';

@Module({
  imports: [ArticlesModule],
  controllers: [ImporterController],
  providers: [ImporterService],
  exports: [ImporterService],
})
export class ImporterModule {}
