/**
 * The schema, as numbered migrations applied in order and recorded in `schema_migrations`. Never edit one
 * that has shipped: add the next. Plain PostgreSQL that PGlite runs unchanged.
 */
export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, sessions, refresh tokens, session keys, avatars, counters, WeChat access token',
    sql: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        openid text NOT NULL,
        unionid text,
        nick_name text NOT NULL DEFAULT '',
        avatar_url text NOT NULL DEFAULT '',
        phone_number text,
        country_code text,
        created_at timestamptz NOT NULL,
        last_login_at timestamptz NOT NULL,
        login_count integer NOT NULL DEFAULT 1,
        privacy_consent_at timestamptz,
        privacy_consent_version text,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'banned')),
        -- one record per WeChat user, whatever the concurrency of first logins
        CONSTRAINT users_openid_unique UNIQUE (openid)
      );

      -- the latest session_key WeChat gave per openid; apart from users so no user read can carry it along
      CREATE TABLE wechat_sessions (
        openid text PRIMARY KEY,
        session_key text NOT NULL,
        updated_at timestamptz NOT NULL
      );

      -- a login session: what an access token's sid names and what its refresh tokens belong to (one family)
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text
      );
      CREATE INDEX sessions_user_id ON sessions (user_id);

      -- rotating refresh tokens, stored as SHA-256 of the token; used_at set = spent (a replay revokes the family)
      CREATE TABLE refresh_tokens (
        token_hash text PRIMARY KEY,
        session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);

      CREATE TABLE avatars (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        content_type text NOT NULL,
        bytes bytea NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX avatars_user_id ON avatars (user_id);

      -- fixed-window counters shared by every instance (rate limits)
      CREATE TABLE rate_counters (
        key text PRIMARY KEY,
        count integer NOT NULL,
        reset_at timestamptz NOT NULL
      );

      -- WeChat's access token (cgi-bin/stable_token), shared by every instance
      CREATE TABLE wechat_access_tokens (
        appid text PRIMARY KEY,
        access_token text NOT NULL,
        expires_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'identities per mini program (appid, openid), accounts keyed by unionid, sessions know their app',
    sql: `
      -- each mini program's openid of an account: one account per person across the organisation's apps
      -- (linked by unionid), each app's openid an identity of it; the primary key settles concurrent first logins
      CREATE TABLE identities (
        appid text NOT NULL,
        openid text NOT NULL,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        linked_at timestamptz NOT NULL,
        PRIMARY KEY (appid, openid)
      );
      CREATE INDEX identities_user_id ON identities (user_id);

      -- one account per unionid (a person of one Open Platform account); accounts without one stay per openid
      CREATE UNIQUE INDEX users_unionid_unique ON users (unionid) WHERE unionid IS NOT NULL;

      -- which mini program and openid a session signed in with: tokens carry that appid as aud, and phone and
      -- content checks are asked of WeChat as that app's user
      ALTER TABLE sessions ADD COLUMN appid text;
      ALTER TABLE sessions ADD COLUMN openid text
    `,
  },
  {
    version: 3,
    name: 'consent per mini program: each app has its own privacy policy',
    sql: `
      -- 用户隐私保护指引 is declared per appid: accepting one app's policy says nothing about another's. As in the
      -- cloud: the account's own app (the identity whose openid is users.openid) keeps its consent in users; every
      -- other app's identity carries its own, starting with none
      ALTER TABLE identities ADD COLUMN privacy_consent_at timestamptz;
      ALTER TABLE identities ADD COLUMN privacy_consent_version text
    `,
  },
]
