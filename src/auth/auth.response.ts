import { ApiProperty } from '@nestjs/swagger';
import { UserResponse } from '../users/user.response';

export class LoginResponse {
  @ApiProperty() accessToken: string;
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn: number;
  @ApiProperty({ type: UserResponse }) user: UserResponse;
}

export class SessionResponse {
  @ApiProperty({ type: UserResponse }) user: UserResponse;
  @ApiProperty({ description: 'Send it in X-CSRF-Token with every non-GET request made with the cookie' })
  csrfToken: string;
}
