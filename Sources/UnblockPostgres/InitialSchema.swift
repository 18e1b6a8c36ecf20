// Version 1 of the schema: the directory, the responses issued (a challenge answered once, on
// any node), the audit trail, sessions (a hash of each token, never the token), and the master
// key's check value.
enum InitialSchema {
    static let migration = Migration(
        version: 1, name: "initial",
        statements: [
            """
            CREATE TABLE unblock_meta (key text PRIMARY KEY, value bytea NOT NULL)
            """,
            """
            CREATE TABLE profiles (
              name text PRIMARY KEY,
              enabled jsonb NOT NULL DEFAULT '{}',
              version bigint NOT NULL DEFAULT 1)
            """,
            """
            CREATE TABLE accounts (
              id integer PRIMARY KEY,
              username text NOT NULL UNIQUE,
              display_name text NOT NULL,
              state smallint NOT NULL,
              roles integer NOT NULL,
              password_hash text NOT NULL,
              failed_logins integer NOT NULL DEFAULT 0,
              locked_until_ms bigint,
              lockouts integer NOT NULL DEFAULT 0,
              last_login_ms bigint,
              totp_secret bytea,
              totp_last_step bigint NOT NULL DEFAULT 0,
              totp_pending bytea,
              version bigint NOT NULL DEFAULT 1)
            """,
            """
            CREATE TABLE cards (
              id bigint PRIMARY KEY,
              serial text NOT NULL UNIQUE,
              owner integer NOT NULL REFERENCES accounts (id),
              profile text NOT NULL REFERENCES profiles (name),
              state smallint NOT NULL,
              key_algorithm smallint NOT NULL,
              key_sealed bytea,
              key_version integer NOT NULL,
              key_check_value bytea NOT NULL,
              response_limit_reset_ms bigint,
              version bigint NOT NULL DEFAULT 1)
            """,
            "CREATE INDEX cards_by_owner ON cards (owner)",
            """
            CREATE TABLE issued_responses (
              card_id bigint NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
              challenge_hash bytea NOT NULL,
              at_ms bigint NOT NULL,
              key_version integer NOT NULL,
              PRIMARY KEY (card_id, challenge_hash))
            """,
            "CREATE INDEX issued_responses_by_time ON issued_responses (card_id, at_ms)",
            """
            CREATE TABLE audit_events (
              sequence bigserial PRIMARY KEY,
              at_ms bigint NOT NULL,
              actor text NOT NULL,
              action text NOT NULL,
              target text NOT NULL,
              outcome text NOT NULL,
              detail text NOT NULL)
            """,
            "CREATE INDEX audit_events_by_target ON audit_events (target, sequence)",
            """
            CREATE TABLE sessions (
              token_hash bytea PRIMARY KEY,
              account_id integer NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
              created_ms bigint NOT NULL,
              last_used_ms bigint NOT NULL,
              expires_ms bigint NOT NULL,
              enrollment_only boolean NOT NULL DEFAULT false)
            """,
        ])
}
