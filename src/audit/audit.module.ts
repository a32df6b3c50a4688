import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEntry } from './audit-entry.entity';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { NewsroomChangesController } from './newsroom-changes.controller';
import { NewsroomChangesService } from './newsroom-changes.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntry])],
  controllers: [AuditController, NewsroomChangesController],
  providers: [AuditService, NewsroomChangesService],
  exports: [AuditService],
})
export class AuditModule {}
