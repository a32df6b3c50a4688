import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { ROLES, type Role } from '../common/roles';
import { Trim, TrimLower } from '../common/transforms';

export const PASSWORD_MIN = 10;

export class CreateUserDto {
  @ApiProperty({ example: 'aigerim@kazinform.kz' })
  @TrimLower()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Aigerim Seitkali' })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: 200, writeOnly: true })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(200)
  password: string;
}

// skipNullProperties: false so that `"name": null` (or role, active) is a 400 rather than a NOT NULL error.
export class UpdateUserDto extends PartialType(PickType(CreateUserDto, ['name', 'role'] as const), {
  skipNullProperties: false,
}) {
  @ApiPropertyOptional({ description: 'false deactivates the account; its existing tokens stop working' })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsBoolean()
  active?: boolean;
}

export class SetPasswordDto extends PickType(CreateUserDto, ['password'] as const) {}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}
