import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A browser session (the desk's cookie). The cookie carries the id with a signature; the row decides
 * whether it still counts: sign-out deletes it, and it stops counting when it expires or when the user's
 * token version moves on (deactivation, password change).
 */
@Entity({ name: 'user_session' })
@Index('user_session_user_idx', ['userId'])
export class UserSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  // The user's token version at sign-in.
  @Column({ name: 'token_version', type: 'integer' })
  tokenVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
