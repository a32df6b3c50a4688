import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArticlesModule } from '../articles/articles.module';
import { Tag, TagAlias } from './tag.entity';
import { TagsController } from './tags.controller';
import { TagsService } from './tags.service';

@Module({
  // A merge moves articles through what ArticlesModule exports, not through article_tag directly.
  imports: [TypeOrmModule.forFeature([Tag, TagAlias]), ArticlesModule],
  controllers: [TagsController],
  providers: [TagsService],
  exports: [TagsService],
})
export class TagsModule {}
