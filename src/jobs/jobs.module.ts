import { Global, Module } from '@nestjs/common';
import { JobEngine } from './job-engine.service';

@Global()
@Module({ providers: [JobEngine], exports: [JobEngine] })
export class JobsModule {}
