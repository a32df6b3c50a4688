import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { TrimLower } from '../common/transforms';

export class LoginDto {
  @ApiProperty({ example: 'admin@localhost' })
  @TrimLower()
  @IsString()
  @MinLength(3)
  @MaxLength(254)
  email: string;

  @ApiProperty({ writeOnly: true })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}
