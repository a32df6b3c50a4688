import type { ValidationError } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { DomainError } from './errors';

interface FieldError {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new DomainError(
        'VALIDATION_FAILED',
        `Invalid input: ${details.map((d) => d.messages.join('; ')).join('; ')}`,
        details,
      );
    },
  });
}
