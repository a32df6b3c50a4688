import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ReplicasModule } from '../database/replicas.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule, ReplicasModule], controllers: [HealthController] })
export class HealthModule {}
