import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A per-user token version, carried in every access token and checked on every request: bumping
 * it (sign-out, password change) revokes every token issued before.
 */
export class TokenVersions1764510000000 implements MigrationInterface {
  name = 'TokenVersions1764510000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP COLUMN token_version`);
  }
}
