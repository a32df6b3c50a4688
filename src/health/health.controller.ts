import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorFunction,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../common/auth.decorators';
import { ReplicaSet } from '../database/replica-set';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly replicas: ReplicaSet,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  @ApiResponse({ status: 200 })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Ready to serve: the database answers' })
  @ApiResponse({ status: 200 })
  @ApiResponse({ status: 503, description: 'The database does not answer' })
  // With read replicas, `replicas` counts them: configured, healthy, and current (past the newest
  // publication change, so serving reads). It is always up: the primary serves alone.
  ready() {
    const checks: HealthIndicatorFunction[] = [() => this.db.pingCheck('database', { timeout: 2000 })];
    if (this.replicas.size > 0)
      checks.push(() => this.indicators.check('replicas').up({ ...this.replicas.status() }));
    return this.health.check(checks);
  }
}
