import { ApiProperty } from '@nestjs/swagger';
import { UserResponse } from '../users/user.response';

export class LoginResponse {
  @ApiProperty() accessToken: string;
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn: number;
  @ApiProperty({ type: UserResponse }) user: UserResponse;
}
