import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_ENTITY_TYPES, type AuditEntityType, type AuditEntry } from './audit-entry.entity';

export class AuditEntryResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: Object, nullable: true, description: 'null when the system acted' })
  actor: { id: string; email: string | null } | null;
  @ApiProperty({ example: 'tag.merge' }) action: string;
  @ApiProperty({ enum: AUDIT_ENTITY_TYPES }) entityType: AuditEntityType;
  @ApiProperty() entityId: string;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ type: Object }) details: Record<string, unknown>;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditEntryResponse] }) data: AuditEntryResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
}

export function toAuditEntryResponse(e: AuditEntry): AuditEntryResponse {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: e.actorId ? { id: e.actorId, email: e.actorEmail } : null,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    ip: e.ip,
    requestId: e.requestId,
    details: e.details,
  };
}
