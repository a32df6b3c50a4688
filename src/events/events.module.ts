import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEvent } from './event.entity';
import { NewsroomChangesController } from './newsroom-changes.controller';
import { NewsroomChangesService } from './newsroom-changes.service';
import { OutboxService } from './outbox.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEvent])],
  controllers: [NewsroomChangesController],
  providers: [OutboxService, NewsroomChangesService],
  exports: [OutboxService],
})
export class EventsModule {}
