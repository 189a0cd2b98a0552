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
  {
    version: 4,
    name: 'sign-in as one function (and many sign-ins in one call): one round trip, statements planned once per connection',
    sql: `
      -- db/sign-in.ts calls this once per login. PL/pgSQL prepares each statement below once per connection and
      -- reuses the plan, where the same SQL sent as CTEs was parsed and planned at every login; and a first login
      -- and a returning one take the same single round trip. The unique keys settle concurrent first logins:
      -- identities (appid, openid), users.openid and users.unionid. A losing INSERT does nothing and the next
      -- round (a new snapshot: READ COMMITTED) finds the winner's rows. Everything commits or nothing does.
      -- outcome: 'ok' (signed in: session and refresh token opened) or 'banned' (the account, unchanged).
      CREATE FUNCTION weauth_sign_in(
        p_appid text, p_openid text, p_unionid text, p_session_key text, p_consent_version text,
        p_phone_number text, p_country_code text, p_now timestamptz, p_session_id text,
        p_session_expires_at timestamptz, p_refresh_token_hash text, p_new_user_id text
      ) RETURNS TABLE (
        outcome text, is_new boolean, id text, openid text, unionid text, nick_name text, avatar_url text,
        phone_number text, country_code text, created_at timestamptz, last_login_at timestamptz,
        login_count integer, privacy_consent_at timestamptz, privacy_consent_version text, status text,
        app_consent_known boolean, app_consent_at timestamptz, app_consent_version text
      ) LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_identity identities%ROWTYPE;
        v_user users%ROWTYPE;
        v_owner text;
        v_new boolean := false;
        v_done boolean := false;
      BEGIN
        FOR attempt IN 1..3 LOOP
          SELECT * INTO v_identity FROM identities i WHERE i.appid = p_appid AND i.openid = p_openid;
          IF FOUND THEN
            -- an identity seen before: its account, if active. The account's own app (users.openid) keeps its
            -- consent on the account; another app's is on its identity (below)
            UPDATE users u SET
              last_login_at = p_now,
              login_count = u.login_count + 1,
              privacy_consent_at = CASE WHEN p_consent_version IS NOT NULL AND u.openid = p_openid THEN p_now
                                        ELSE u.privacy_consent_at END,
              privacy_consent_version = CASE WHEN p_consent_version IS NOT NULL AND u.openid = p_openid
                                             THEN p_consent_version ELSE u.privacy_consent_version END,
              phone_number = COALESCE(p_phone_number, u.phone_number),
              country_code = CASE WHEN p_phone_number IS NULL THEN u.country_code ELSE p_country_code END
             WHERE u.id = v_identity.user_id AND u.status = 'active'
            RETURNING u.* INTO v_user;
            IF NOT FOUND THEN
              SELECT u.* INTO v_user FROM users u WHERE u.id = v_identity.user_id;
              IF FOUND AND v_user.status = 'banned' THEN
                RETURN QUERY SELECT 'banned'::text, false, v_user.id, v_user.openid, v_user.unionid, v_user.nick_name,
                  v_user.avatar_url, v_user.phone_number, v_user.country_code, v_user.created_at, v_user.last_login_at,
                  v_user.login_count, v_user.privacy_consent_at, v_user.privacy_consent_version, v_user.status,
                  false, NULL::timestamptz, NULL::text;
                RETURN;
              END IF;
              CONTINUE; -- deleted meanwhile (its identities with it): the next round starts a new account
            END IF;
            IF p_unionid IS NOT NULL AND v_user.unionid IS NULL THEN
              -- a unionid is linked only when no other account holds it (merging accounts is not done here); a
              -- concurrent login linking it elsewhere first wins, and this one stays without
              BEGIN
                UPDATE users u SET unionid = p_unionid
                 WHERE u.id = v_user.id AND u.unionid IS NULL
                   AND NOT EXISTS (SELECT 1 FROM users o WHERE o.unionid = p_unionid);
                IF FOUND THEN v_user.unionid := p_unionid; END IF;
              EXCEPTION WHEN unique_violation THEN NULL;
              END;
            END IF;
            IF p_consent_version IS NOT NULL AND v_user.openid <> p_openid THEN
              UPDATE identities i SET privacy_consent_at = p_now, privacy_consent_version = p_consent_version
               WHERE i.appid = p_appid AND i.openid = p_openid;
              v_identity.privacy_consent_at := p_now;
              v_identity.privacy_consent_version := p_consent_version;
            END IF;
            v_done := true;
            EXIT;
          END IF;
          IF p_unionid IS NOT NULL THEN
            -- the person's account from another of the organisation's mini programs: this identity joins it
            SELECT u.id INTO v_owner FROM users u WHERE u.unionid = p_unionid;
            IF FOUND THEN
              INSERT INTO identities (appid, openid, user_id, linked_at) VALUES (p_appid, p_openid, v_owner, p_now)
                ON CONFLICT (appid, openid) DO NOTHING;
              CONTINUE;
            END IF;
          END IF;
          INSERT INTO users AS u (id, openid, unionid, created_at, last_login_at, login_count, privacy_consent_at,
                                  privacy_consent_version, phone_number, country_code)
            VALUES (p_new_user_id, p_openid, p_unionid, p_now, p_now, 1,
                    CASE WHEN p_consent_version IS NULL THEN NULL ELSE p_now END, p_consent_version,
                    p_phone_number, p_country_code)
            ON CONFLICT DO NOTHING
            RETURNING u.* INTO v_user;
          CONTINUE WHEN NOT FOUND; -- a concurrent first login of this person won: the next round finds it
          INSERT INTO identities (appid, openid, user_id, linked_at) VALUES (p_appid, p_openid, p_new_user_id, p_now)
            ON CONFLICT (appid, openid) DO NOTHING;
          IF NOT FOUND THEN
            -- the identity was linked to another account meanwhile: this account goes, the next round signs in there
            DELETE FROM users u WHERE u.id = p_new_user_id;
            CONTINUE;
          END IF;
          v_new := true;
          v_done := true;
          EXIT;
        END LOOP;
        IF NOT v_done THEN
          RAISE EXCEPTION 'sign-in did not settle after concurrent first logins';
        END IF;
        -- the newest session_key (what the next open data is encrypted with), a session and its first refresh token
        INSERT INTO wechat_sessions AS k (openid, session_key, updated_at) VALUES (p_openid, p_session_key, p_now)
          ON CONFLICT (openid) DO UPDATE SET session_key = EXCLUDED.session_key, updated_at = EXCLUDED.updated_at;
        INSERT INTO sessions (id, user_id, appid, openid, created_at, expires_at)
          VALUES (p_session_id, v_user.id, p_appid, p_openid, p_now, p_session_expires_at);
        INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at)
          VALUES (p_refresh_token_hash, p_session_id, p_now, p_session_expires_at);
        RETURN QUERY SELECT 'ok'::text, v_new, v_user.id, v_user.openid, v_user.unionid, v_user.nick_name,
          v_user.avatar_url, v_user.phone_number, v_user.country_code, v_user.created_at, v_user.last_login_at,
          v_user.login_count, v_user.privacy_consent_at, v_user.privacy_consent_version, v_user.status,
          v_user.openid <> p_openid,
          CASE WHEN p_consent_version IS NULL THEN v_identity.privacy_consent_at ELSE p_now END,
          COALESCE(p_consent_version, v_identity.privacy_consent_version);
      END
      $$;

      -- Several sign-ins in one call and one transaction (db/sign-in-batcher.ts gathers the logins that arrive while
      -- earlier ones are with the database): the round trip, the commit and the client's work are shared; each
      -- sign-in is weauth_sign_in's, in the order given, and row \`ord\` answers the ord-th. One that fails fails all
      -- (nothing is committed) and the caller then runs each alone.
      CREATE FUNCTION weauth_sign_in_batch(
        p_appid text[], p_openid text[], p_unionid text[], p_session_key text[], p_consent_version text[],
        p_phone_number text[], p_country_code text[], p_now timestamptz[], p_session_id text[],
        p_session_expires_at timestamptz[], p_refresh_token_hash text[], p_new_user_id text[]
      ) RETURNS TABLE (
        ord integer, outcome text, is_new boolean, id text, openid text, unionid text, nick_name text,
        avatar_url text, phone_number text, country_code text, created_at timestamptz, last_login_at timestamptz,
        login_count integer, privacy_consent_at timestamptz, privacy_consent_version text, status text,
        app_consent_known boolean, app_consent_at timestamptz, app_consent_version text
      ) LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      BEGIN
        FOR i IN 1..coalesce(array_length(p_openid, 1), 0) LOOP
          RETURN QUERY SELECT i, s.* FROM weauth_sign_in(p_appid[i], p_openid[i], p_unionid[i], p_session_key[i],
            p_consent_version[i], p_phone_number[i], p_country_code[i], p_now[i], p_session_id[i],
            p_session_expires_at[i], p_refresh_token_hash[i], p_new_user_id[i]) s;
        END LOOP;
      END
      $$
    `,
  },
  {
    version: 5,
    name: 'a batch of sign-ins as a few statements for all of it, one by one only for what needs it',
    sql: `
      -- weauth_sign_in_batch ran weauth_sign_in once per login: some ten statements each, every one with its own
      -- executor start-up, most of a login's database time. Now the common cases take three statements for the
      -- whole batch: identities seen before (one UPDATE of their accounts), first logins (one statement inserting
      -- their accounts and identities), then one inserting every session key, session and first refresh token
      -- and answering the accounts. Whatever is not plain goes through weauth_sign_in one by one, in order, after
      -- them: an openid twice in the batch (each login must see the one before), two identities of one account, a
      -- banned account, a unionid to link or to join, consent given in another app than the account's own, a
      -- first login that lost a race. The unique keys settle races as in weauth_sign_in: a first login whose
      -- account or identity another transaction made first is undone and signed in one by one. Same parameters,
      -- same rows. The statements touch a few rows by key: plans are generic (made once per connection, not per
      -- call) and use the indexes, where the planner's estimates on a small or not yet analysed table can pick a
      -- scan of it. (Rows a statement inserts into a referencing table are checked against the rows another part
      -- of the same statement inserted: foreign keys are checked when the statement ends.)
      CREATE OR REPLACE FUNCTION weauth_sign_in_batch(
        p_appid text[], p_openid text[], p_unionid text[], p_session_key text[], p_consent_version text[],
        p_phone_number text[], p_country_code text[], p_now timestamptz[], p_session_id text[],
        p_session_expires_at timestamptz[], p_refresh_token_hash text[], p_new_user_id text[]
      ) RETURNS TABLE (
        ord integer, outcome text, is_new boolean, id text, openid text, unionid text, nick_name text,
        avatar_url text, phone_number text, country_code text, created_at timestamptz, last_login_at timestamptz,
        login_count integer, privacy_consent_at timestamptz, privacy_consent_version text, status text,
        app_consent_known boolean, app_consent_at timestamptz, app_consent_version text
      ) LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
      #variable_conflict use_column
      DECLARE
        v_ords integer[];           -- identities seen before, signed in together (their places in the batch)
        v_users text[];             -- the account each signed in to
        v_app_at timestamptz[];     -- the consent of the app each signed in with, as weauth_sign_in answers it
        v_app_version text[];
        v_made integer[];           -- first logins whose account was created
        v_linked integer[];         -- ... and whose identity was linked to it: signed in together too
      BEGIN
        -- identities seen before, of active accounts: one UPDATE. Left to one by one: an openid twice in the batch,
        -- two identities of one account, a banned account, a unionid to link, consent given in another app
        WITH k AS (
          SELECT x.ord, x.now, x.openid, x.unionid, x.cv, x.pn, x.cc, x.same_openid, i.user_id,
                 i.privacy_consent_at AS app_at, i.privacy_consent_version AS app_version,
                 count(*) OVER (PARTITION BY i.user_id) AS same_user
            FROM (SELECT t.*, count(*) OVER (PARTITION BY t.openid) AS same_openid
                    FROM unnest(p_appid, p_openid, p_unionid, p_consent_version, p_phone_number, p_country_code, p_now)
                         WITH ORDINALITY AS t(appid, openid, unionid, cv, pn, cc, now, ord)) x
            JOIN identities i ON i.appid = x.appid AND i.openid = x.openid
        ), updated AS (
          UPDATE users u SET
            last_login_at = k.now,
            login_count = u.login_count + 1,
            privacy_consent_at = CASE WHEN k.cv IS NULL THEN u.privacy_consent_at ELSE k.now END,
            privacy_consent_version = COALESCE(k.cv, u.privacy_consent_version),
            phone_number = COALESCE(k.pn, u.phone_number),
            country_code = CASE WHEN k.pn IS NULL THEN u.country_code ELSE k.cc END
          FROM k
          WHERE u.id = k.user_id AND k.same_openid = 1 AND k.same_user = 1 AND u.status = 'active'
            AND (k.unionid IS NULL OR u.unionid IS NOT NULL)
            AND (k.cv IS NULL OR u.openid = k.openid)
          RETURNING k.ord, u.id, CASE WHEN k.cv IS NULL THEN k.app_at ELSE k.now END AS app_at,
                    COALESCE(k.cv, k.app_version) AS app_version
        )
        SELECT coalesce(array_agg(updated.ord::integer), '{}'), coalesce(array_agg(updated.id), '{}'),
               coalesce(array_agg(updated.app_at), '{}'), coalesce(array_agg(updated.app_version), '{}')
          INTO v_ords, v_users, v_app_at, v_app_version FROM updated;

        -- first logins: one INSERT of their accounts and of their identities. Left to one by one: an openid twice
        -- in the batch, the person's account from another mini program (a unionid known already), an account or
        -- an identity made meanwhile by another transaction
        WITH made AS (
          INSERT INTO users AS u (id, openid, unionid, created_at, last_login_at, login_count, privacy_consent_at,
                                  privacy_consent_version, phone_number, country_code)
          SELECT x.uid, x.openid, x.unionid, x.now, x.now, 1, CASE WHEN x.cv IS NULL THEN NULL ELSE x.now END, x.cv,
                 x.pn, x.cc
            FROM (SELECT t.*, count(*) OVER (PARTITION BY t.openid) AS same_openid
                    FROM unnest(p_new_user_id, p_appid, p_openid, p_unionid, p_now, p_consent_version, p_phone_number,
                                p_country_code)
                         WITH ORDINALITY AS t(uid, appid, openid, unionid, now, cv, pn, cc, ord)) x
           WHERE x.same_openid = 1 AND x.ord <> ALL (v_ords)
             AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.appid = x.appid AND i.openid = x.openid)
             AND (x.unionid IS NULL OR NOT EXISTS (SELECT 1 FROM users o WHERE o.unionid = x.unionid))
          ON CONFLICT DO NOTHING
          RETURNING u.id
        ), linked AS (
          INSERT INTO identities (appid, openid, user_id, linked_at)
          SELECT p_appid[m.o], p_openid[m.o], m.id, p_now[m.o]
            FROM (SELECT made.id, array_position(p_new_user_id, made.id) AS o FROM made) m
          ON CONFLICT (appid, openid) DO NOTHING
          RETURNING user_id
        )
        SELECT (SELECT coalesce(array_agg(array_position(p_new_user_id, made.id)), '{}') FROM made),
               (SELECT coalesce(array_agg(array_position(p_new_user_id, linked.user_id)), '{}') FROM linked)
          INTO v_made, v_linked;
        IF cardinality(v_linked) < cardinality(v_made) THEN
          -- the identity was linked to another account meanwhile: this account goes, the login goes one by one
          DELETE FROM users u WHERE u.id IN (SELECT p_new_user_id[o] FROM unnest(v_made) o WHERE o <> ALL (v_linked));
        END IF;

        IF cardinality(v_ords) + cardinality(v_linked) > 0 THEN
          -- for each: the newest session_key, a session and its first refresh token (their openids are distinct);
          -- then the accounts as written (this transaction holds their rows: updated, or not yet visible to others)
          RETURN QUERY
          WITH settled AS (
            SELECT t.o, t.uid, t.at, t.v, false AS is_new
              FROM unnest(v_ords, v_users, v_app_at, v_app_version) AS t(o, uid, at, v)
            UNION ALL
            SELECT o, p_new_user_id[o], CASE WHEN p_consent_version[o] IS NULL THEN NULL ELSE p_now[o] END,
                   p_consent_version[o], true
              FROM unnest(v_linked) AS o
          ), session_keys AS (
            INSERT INTO wechat_sessions AS k (openid, session_key, updated_at)
            SELECT p_openid[s.o], p_session_key[s.o], p_now[s.o] FROM settled s
            ON CONFLICT (openid) DO UPDATE SET session_key = EXCLUDED.session_key, updated_at = EXCLUDED.updated_at
          ), opened AS (
            INSERT INTO sessions (id, user_id, appid, openid, created_at, expires_at)
            SELECT p_session_id[s.o], s.uid, p_appid[s.o], p_openid[s.o], p_now[s.o], p_session_expires_at[s.o]
              FROM settled s
          ), first_tokens AS (
            INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at)
            SELECT p_refresh_token_hash[s.o], p_session_id[s.o], p_now[s.o], p_session_expires_at[s.o] FROM settled s
          )
          SELECT s.o::integer, 'ok'::text, s.is_new, u.id, u.openid, u.unionid, u.nick_name, u.avatar_url,
                 u.phone_number, u.country_code, u.created_at, u.last_login_at, u.login_count, u.privacy_consent_at,
                 u.privacy_consent_version, u.status, u.openid <> p_openid[s.o], s.at, s.v
            FROM settled s JOIN users u ON u.id = s.uid;
        END IF;

        FOR i IN 1..coalesce(array_length(p_openid, 1), 0) LOOP
          CONTINUE WHEN i = ANY (v_ords) OR i = ANY (v_linked);
          RETURN QUERY SELECT i, s.* FROM weauth_sign_in(p_appid[i], p_openid[i], p_unionid[i], p_session_key[i],
            p_consent_version[i], p_phone_number[i], p_country_code[i], p_now[i], p_session_id[i],
            p_session_expires_at[i], p_refresh_token_hash[i], p_new_user_id[i]) s;
        END LOOP;
      END
      $$
    `,
  },
]
