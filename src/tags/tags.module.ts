import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Tag, TagAlias } from './tag.entity';

@Module({ imports: [TypeOrmModule.forFeature([Tag, TagAlias])] })
export class TagsModule {}
