import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ERROR_STATUS } from './errors';

export class ErrorBodyDto {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ enum: Object.keys(ERROR_STATUS), example: 'NOT_FOUND' }) code: string;
  @ApiProperty({ example: 'Tag not found' }) message: string;
  @ApiPropertyOptional({ description: 'Field errors, the current version on 412, allowed actions on 409…' })
  details?: unknown;
  @ApiPropertyOptional() requestId?: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (the message and details name the fields)',
  401: 'Not signed in, or the token is invalid or expired',
  403: 'Signed in without the role this needs',
  404: 'Not found',
  409: 'Conflicts with the current state',
  410: 'Gone',
  412: 'If-Match names an older version',
  413: 'The body is larger than allowed',
  415: 'The content type is not accepted',
  422: 'Well-formed but cannot be processed',
  428: 'If-Match is required',
  429: 'Too many requests (see Retry-After)',
};

/** Documents the error responses of a route, all in the one error body shape. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', type: ErrorBodyDto }),
    ),
  );
