import { Module } from '@nestjs/common';
import { ReplicaSet } from './replica-set';

/** The read replicas (DATABASE_REPLICA_URLS): one ReplicaSet for the Content API's reads and the health check. */
@Module({ providers: [ReplicaSet], exports: [ReplicaSet] })
export class ReplicasModule {}
