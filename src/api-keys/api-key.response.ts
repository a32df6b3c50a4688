import type { ApiKeyResponse, ApiKeyStatus, CreatedApiKeyResponse } from './api-key.dto';
import type { ApiKey } from './api-key.entity';

export function apiKeyStatus(k: ApiKey, now = Date.now()): ApiKeyStatus {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && k.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

/** Never includes the hash: the key itself is only in toCreatedApiKeyResponse, once. */
export function toApiKeyResponse(k: ApiKey): ApiKeyResponse {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    status: apiKeyStatus(k),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    createdBy: k.createdBy,
    createdAt: k.createdAt.toISOString(),
    updatedAt: k.updatedAt.toISOString(),
  };
}

export function toCreatedApiKeyResponse(k: ApiKey, key: string): CreatedApiKeyResponse {
  return { ...toApiKeyResponse(k), key };
}
