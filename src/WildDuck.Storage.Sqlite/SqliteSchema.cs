// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Sqlite;

/// <summary>
/// The versioned schema. Each entry migrates from version <c>i</c> to <c>i + 1</c> and runs in one
/// transaction together with the <c>PRAGMA user_version</c> bump, so a crash mid-migration
/// leaves the previous version intact. Never edit a shipped migration; append a new one.
/// </summary>
internal static class SqliteSchema
{
    public static readonly string[] Migrations =
    {
        // Version 1: the initial schema. Mapping to WildDuck's MongoDB collections: docs/storage.md.
        """
        CREATE TABLE users (
            id BLOB PRIMARY KEY,
            username TEXT NOT NULL,
            username_view TEXT NOT NULL UNIQUE,
            name TEXT,
            address TEXT,
            password_hash TEXT NOT NULL DEFAULT '',
            quota INTEGER NOT NULL DEFAULT 0,
            storage_used INTEGER NOT NULL DEFAULT 0,
            disabled INTEGER NOT NULL DEFAULT 0,
            suspended INTEGER NOT NULL DEFAULT 0,
            disabled_scopes TEXT NOT NULL DEFAULT '',
            retention_ms INTEGER,
            spam_level INTEGER NOT NULL DEFAULT 50,
            language TEXT,
            auth_version INTEGER NOT NULL DEFAULT 1,
            last_uid_validity INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL
        );
        CREATE INDEX users_username ON users(username);

        CREATE TABLE addresses (
            id BLOB PRIMARY KEY,
            user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            address TEXT NOT NULL,
            address_view TEXT NOT NULL UNIQUE,
            main INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL
        );
        CREATE INDEX addresses_user ON addresses(user_id);

        CREATE TABLE domain_aliases (
            alias TEXT PRIMARY KEY,
            domain TEXT NOT NULL
        );

        CREATE TABLE mailboxes (
            rid INTEGER PRIMARY KEY,
            id BLOB NOT NULL UNIQUE,
            user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            special_use INTEGER NOT NULL DEFAULT 0,
            uid_validity INTEGER NOT NULL,
            uid_next INTEGER NOT NULL DEFAULT 1,
            modseq INTEGER NOT NULL DEFAULT 0,
            subscribed INTEGER NOT NULL DEFAULT 1,
            retention_ms INTEGER,
            hidden INTEGER NOT NULL DEFAULT 0,
            keywords TEXT NOT NULL DEFAULT '',
            message_count INTEGER NOT NULL DEFAULT 0,
            unseen_count INTEGER NOT NULL DEFAULT 0,
            total_size INTEGER NOT NULL DEFAULT 0,
            UNIQUE (user_id, path)
        );
        CREATE INDEX mailboxes_special_use ON mailboxes(user_id, special_use);

        CREATE TABLE threads (
            id BLOB PRIMARY KEY,
            user_id BLOB NOT NULL,
            subject TEXT NOT NULL,
            updated INTEGER NOT NULL
        );
        CREATE INDEX threads_user ON threads(user_id);

        CREATE TABLE thread_refs (
            user_id BLOB NOT NULL,
            ref TEXT NOT NULL,
            thread_id BLOB NOT NULL,
            PRIMARY KEY (user_id, ref, thread_id)
        ) WITHOUT ROWID;

        CREATE TABLE messages (
            rid INTEGER PRIMARY KEY,
            id BLOB NOT NULL UNIQUE,
            user_id BLOB NOT NULL,
            mailbox_rid INTEGER NOT NULL REFERENCES mailboxes(rid),
            uid INTEGER NOT NULL,
            modseq INTEGER NOT NULL,
            flags INTEGER NOT NULL DEFAULT 0,
            keywords TEXT NOT NULL DEFAULT '',
            internal_date INTEGER NOT NULL,
            internal_tz INTEGER NOT NULL DEFAULT 0,
            header_date INTEGER NOT NULL,
            header_tz INTEGER NOT NULL DEFAULT 0,
            size INTEGER NOT NULL,
            thread_id BLOB,
            subject TEXT NOT NULL DEFAULT '',
            message_id_header TEXT,
            has_attachments INTEGER NOT NULL DEFAULT 0,
            source TEXT,
            envelope BLOB NOT NULL,
            bodystructure BLOB NOT NULL,
            body BLOB NOT NULL,
            layout BLOB NOT NULL,
            inline_content BLOB NOT NULL,
            created INTEGER NOT NULL,
            UNIQUE (mailbox_rid, uid)
        );
        CREATE INDEX messages_mailbox_modseq ON messages(mailbox_rid, modseq);
        CREATE INDEX messages_user_thread ON messages(user_id, thread_id);

        -- Parsed content for the API (WildDuck: text, html, intro, attachments[] on the message).
        CREATE TABLE message_parsed (
            rid INTEGER PRIMARY KEY REFERENCES messages(rid) ON DELETE CASCADE,
            text TEXT,
            html TEXT,
            intro TEXT,
            attachments TEXT
        );

        -- Search text; the FTS5 trigram index below is an external-content index over it.
        CREATE TABLE message_text (
            rid INTEGER PRIMARY KEY,
            from_text TEXT NOT NULL,
            to_text TEXT NOT NULL,
            cc_text TEXT NOT NULL,
            bcc_text TEXT NOT NULL,
            subject TEXT NOT NULL,
            headers TEXT NOT NULL,
            body TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE message_fts USING fts5(
            from_text, to_text, cc_text, bcc_text, subject, headers, body,
            content='message_text', content_rowid='rid', tokenize='trigram case_sensitive 0');
        CREATE TRIGGER message_text_ai AFTER INSERT ON message_text BEGIN
            INSERT INTO message_fts(rowid, from_text, to_text, cc_text, bcc_text, subject, headers, body)
            VALUES (new.rid, new.from_text, new.to_text, new.cc_text, new.bcc_text, new.subject, new.headers, new.body);
        END;
        CREATE TRIGGER message_text_ad AFTER DELETE ON message_text BEGIN
            INSERT INTO message_fts(message_fts, rowid, from_text, to_text, cc_text, bcc_text, subject, headers, body)
            VALUES ('delete', old.rid, old.from_text, old.to_text, old.cc_text, old.bcc_text, old.subject, old.headers, old.body);
        END;

        -- Deduplicated leaf bodies keyed by the SHA-256 of their encoded bytes.
        CREATE TABLE attachments (
            rid INTEGER PRIMARY KEY,
            hash BLOB NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            refcount INTEGER NOT NULL,
            content_type TEXT,
            transfer_encoding TEXT,
            created INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX attachments_unreferenced ON attachments(updated) WHERE refcount = 0;

        -- Which message references which attachment: reference counts are checkable against it.
        CREATE TABLE message_attachments (
            message_rid INTEGER NOT NULL,
            hash BLOB NOT NULL,
            PRIMARY KEY (message_rid, hash)
        ) WITHOUT ROWID;
        CREATE INDEX message_attachments_hash ON message_attachments(hash);

        CREATE TABLE journal (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id BLOB NOT NULL,
            mailbox_id BLOB NOT NULL,
            modseq INTEGER NOT NULL,
            command INTEGER NOT NULL,
            uid INTEGER NOT NULL DEFAULT 0,
            message_id BLOB,
            flags INTEGER NOT NULL DEFAULT 0,
            keywords TEXT NOT NULL DEFAULT '',
            path TEXT,
            created INTEGER NOT NULL
        );
        CREATE INDEX journal_mailbox_modseq ON journal(mailbox_id, modseq);
        CREATE INDEX journal_user_id ON journal(user_id, id);
        CREATE INDEX journal_created ON journal(created);

        CREATE TABLE filters (
            id BLOB PRIMARY KEY,
            user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT,
            query TEXT NOT NULL,
            action TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL
        );
        CREATE INDEX filters_user ON filters(user_id, created);
        """,

        // Version 2: delivery state — user-level forwarding targets (WildDuck's users.targets), the
        // autoreply settings (WildDuck's autoreplies collection) and the per-sender reply log that
        // WildDuck keeps in the Redis sorted set war:<id> (reference §6.6).
        """
        ALTER TABLE users ADD COLUMN forward_targets TEXT NOT NULL DEFAULT '';

        CREATE TABLE autoreplies (
            user_id BLOB PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            enabled INTEGER NOT NULL DEFAULT 0,
            name TEXT,
            subject TEXT,
            text TEXT,
            html TEXT,
            start INTEGER,
            end INTEGER,
            updated INTEGER NOT NULL
        );

        CREATE TABLE autoreply_senders (
            user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            sender TEXT NOT NULL,
            replied INTEGER NOT NULL,
            PRIMARY KEY (user_id, sender)
        ) WITHOUT ROWID;
        CREATE INDEX autoreply_senders_replied ON autoreply_senders(replied);
        """,

        // Version 3: the outbound queue.
        // WildDuck's zone-queue collection plus the GridFS "mail" bucket in one table: the content
        // is small (forwards, autoreplies; bounded by the message size limit), so it stays inline.
        // No foreign key to users: the queue outlives the user whose mail caused the entry.
        """
        CREATE TABLE outbound_queue (
            id BLOB PRIMARY KEY,
            state INTEGER NOT NULL DEFAULT 0,
            reason TEXT NOT NULL,
            user_id BLOB,
            return_path TEXT NOT NULL DEFAULT '',
            recipients TEXT NOT NULL,
            route TEXT,
            size INTEGER NOT NULL,
            created INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt INTEGER NOT NULL,
            last_error TEXT,
            lease_token BLOB,
            lease_until INTEGER,
            content BLOB NOT NULL
        );
        CREATE INDEX outbound_queue_due ON outbound_queue(next_attempt, id) WHERE state IN (0, 1);
        CREATE INDEX outbound_queue_user ON outbound_queue(user_id, id) WHERE user_id IS NOT NULL;
        """,

        // Version 4: the trigram index is written in batches, not row by row inside the message's
        // transaction. A new search-text row is queued in search_pending (cheap); the writer indexes
        // the queue 32 rows at a time at the end of a transaction, or all of it once idle
        // (SqliteDatabase). FTS5 builds one segment per transaction, so a batch costs about half as
        // much per row as one row per transaction. Searches treat queued rows as candidates and
        // check them with the exact predicate, so results never depend on the queue. A row deleted
        // while still queued was never indexed: it only leaves the queue.
        """
        CREATE TABLE search_pending (rid INTEGER PRIMARY KEY);

        DROP TRIGGER message_text_ai;
        CREATE TRIGGER message_text_ai AFTER INSERT ON message_text BEGIN
            INSERT INTO search_pending (rid) VALUES (new.rid);
        END;

        DROP TRIGGER message_text_ad;
        CREATE TRIGGER message_text_ad AFTER DELETE ON message_text BEGIN
            INSERT INTO message_fts(message_fts, rowid, from_text, to_text, cc_text, bcc_text, subject, headers, body)
            SELECT 'delete', old.rid, old.from_text, old.to_text, old.cc_text, old.bcc_text, old.subject, old.headers, old.body
            WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE rid = old.rid);
            DELETE FROM search_pending WHERE rid = old.rid;
        END;
        """,

        // Version 5: API access tokens issued by POST /authenticate (WildDuck keeps them in Redis as
        // tn:token:<sha256>, reference §8.2). Only the SHA-256 of a token is stored; auth_version
        // ties the token to the user's password so a change revokes it; deleting the user deletes them.
        """
        CREATE TABLE access_tokens (
            hash TEXT PRIMARY KEY,
            user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            auth_version INTEGER NOT NULL,
            created INTEGER NOT NULL,
            expires INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX access_tokens_user ON access_tokens(user_id);
        CREATE INDEX access_tokens_expires ON access_tokens(expires);
        """,

        // Version 6: subscriptions that outlive their mailbox (RFC 3501 §6.3.6). A mailbox keeps its
        // own flag (mailboxes.subscribed, as WildDuck); a subscribed name without a mailbox lives here
        // until a mailbox takes the name again or UNSUBSCRIBE removes it.
        """
        CREATE TABLE orphan_subscriptions (
            user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            PRIMARY KEY (user_id, path)
        ) WITHOUT ROWID;
        """,

        // Version 7: two-factor authentication (reference §7.4). On users: enabled_2fa (WildDuck's
        // enabled2fa, comma-separated), the TOTP secret and the pending one from setup (as given:
        // sealed when a secret-encryption key is configured) and totp_last_step, the replay guard
        // (the last accepted RFC 6238 time step). WebAuthn credentials get their own table (WildDuck
        // embeds them in the user document), pending WebAuthn ceremonies another (WildDuck: Redis keys
        // with a one-hour TTL). access_tokens.pending_2fa marks tokens not yet past the second factor.
        """
        ALTER TABLE users ADD COLUMN enabled_2fa TEXT NOT NULL DEFAULT '';
        ALTER TABLE users ADD COLUMN totp_seed TEXT;
        ALTER TABLE users ADD COLUMN totp_pending_seed TEXT;
        ALTER TABLE users ADD COLUMN totp_pending_changed INTEGER;
        ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE access_tokens ADD COLUMN pending_2fa INTEGER NOT NULL DEFAULT 0;

        CREATE TABLE webauthn_credentials (
            id BLOB PRIMARY KEY,
            user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            credential_id BLOB NOT NULL,
            public_key BLOB NOT NULL,
            sign_count INTEGER NOT NULL DEFAULT 0,
            rp_id TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            attachment TEXT,
            created INTEGER NOT NULL,
            UNIQUE (user_id, credential_id)
        );

        CREATE TABLE webauthn_challenges (
            challenge TEXT PRIMARY KEY,
            user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            options TEXT NOT NULL,
            description TEXT,
            attachment TEXT,
            expires INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX webauthn_challenges_user ON webauthn_challenges(user_id);
        CREATE INDEX webauthn_challenges_expires ON webauthn_challenges(expires);
        """,

        // Version 8: account security (reference §7.3, §7.5, §7.6). The temporary password of a
        // password reset (WildDuck users.tempPassword); application-specific passwords (WildDuck's asps,
        // deleted with the user); the authentication log (WildDuck's authlog). Log entries have no
        // foreign key: they outlive a deleted user until they expire, as in WildDuck. merge_key is the
        // hash of the fields whose repeats within the merge window are counted in one entry.
        """
        ALTER TABLE users ADD COLUMN temp_password_hash TEXT;
        ALTER TABLE users ADD COLUMN temp_password_created INTEGER;
        ALTER TABLE users ADD COLUMN temp_password_valid_after INTEGER;

        CREATE TABLE asps (
            id BLOB PRIMARY KEY,
            user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            description TEXT NOT NULL,
            scopes TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            selector TEXT NOT NULL DEFAULT '',
            created INTEGER NOT NULL,
            last_use INTEGER,
            last_ip TEXT,
            ttl_ms INTEGER,
            expires INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX asps_user ON asps(user_id);

        CREATE TABLE authlog (
            id BLOB PRIMARY KEY,
            user_id BLOB,
            action TEXT NOT NULL,
            result TEXT NOT NULL,
            reason TEXT,
            protocol TEXT,
            session TEXT,
            ip TEXT,
            required_scope TEXT,
            source TEXT,
            asp_id BLOB,
            asp_name TEXT,
            merge_key BLOB NOT NULL,
            events INTEGER NOT NULL DEFAULT 1,
            created INTEGER NOT NULL,
            last INTEGER NOT NULL,
            expires INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX authlog_user ON authlog(user_id, id);
        CREATE INDEX authlog_merge ON authlog(user_id, merge_key, created);
        CREATE INDEX authlog_expires ON authlog(expires);
        """,

        // Version 9: OpenPGP at-rest encryption settings (WildDuck's users.pubKey, encryptMessages,
        // encryptForwarded; reference §7.9). NULL pub_key means no key.
        """
        ALTER TABLE users ADD COLUMN pub_key TEXT;
        ALTER TABLE users ADD COLUMN encrypt_messages INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE users ADD COLUMN encrypt_forwarded INTEGER NOT NULL DEFAULT 0;
        """,

        // Version 10: webhooks (WildDuck's webhooks collection, reference §8.7). types is the list
        // of event patterns joined by newlines; user_id NULL means every user's events. A user's
        // webhooks go with the user.
        """
        CREATE TABLE webhooks (
            id BLOB PRIMARY KEY,
            user_id BLOB REFERENCES users(id) ON DELETE CASCADE,
            types TEXT NOT NULL,
            url TEXT NOT NULL,
            created INTEGER NOT NULL
        );
        CREATE INDEX webhooks_user ON webhooks(user_id);
        """,

        // Version 11: the durable webhook delivery queue (WildDuck's BullMQ webhooks_post jobs,
        // reference §8.7). One row per event and webhook, carrying its URL and JSON body, so it
        // outlives the webhook as a queued job does; attempts counts the attempts started; a live
        // lease (token + until) hides it from other claimers. The due index serves the claim.
        """
        CREATE TABLE webhook_deliveries (
            id BLOB PRIMARY KEY,
            webhook_id BLOB NOT NULL,
            url TEXT NOT NULL,
            type TEXT NOT NULL,
            body BLOB NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt INTEGER NOT NULL,
            last_error TEXT,
            lease_token BLOB,
            lease_until INTEGER,
            created INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt, id);
        """,

        // Version 12: forwarded addresses (WildDuck's addresses documents without a user, reference
        // §1.2): targets joined by newlines in canonical form, forwards (0 = default), the address's
        // own autoreply inline (autoreply_status NULL = none) and its once-per-sender log. An address
        // view is unique across addresses and forwarded_addresses (WildDuck's single unique addrview
        // index); the triggers raise the same constraint error as the UNIQUE columns.
        """
        CREATE TABLE forwarded_addresses (
            id BLOB PRIMARY KEY,
            address TEXT NOT NULL,
            address_view TEXT NOT NULL UNIQUE,
            name TEXT,
            targets TEXT NOT NULL DEFAULT '',
            forwards INTEGER NOT NULL DEFAULT 0,
            forwarded_disabled INTEGER NOT NULL DEFAULT 0,
            autoreply_status INTEGER,
            autoreply_name TEXT,
            autoreply_subject TEXT,
            autoreply_text TEXT,
            autoreply_html TEXT,
            autoreply_start INTEGER,
            autoreply_end INTEGER,
            created INTEGER NOT NULL
        );

        CREATE TABLE forwarded_autoreply_senders (
            address_id BLOB NOT NULL REFERENCES forwarded_addresses(id) ON DELETE CASCADE,
            sender TEXT NOT NULL,
            replied INTEGER NOT NULL,
            PRIMARY KEY (address_id, sender)
        ) WITHOUT ROWID;

        CREATE TRIGGER addresses_view_free_insert BEFORE INSERT ON addresses
        WHEN EXISTS (SELECT 1 FROM forwarded_addresses WHERE address_view = NEW.address_view)
        BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: address_view'); END;
        CREATE TRIGGER addresses_view_free_update BEFORE UPDATE OF address_view ON addresses
        WHEN EXISTS (SELECT 1 FROM forwarded_addresses WHERE address_view = NEW.address_view)
        BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: address_view'); END;
        CREATE TRIGGER forwarded_view_free_insert BEFORE INSERT ON forwarded_addresses
        WHEN EXISTS (SELECT 1 FROM addresses WHERE address_view = NEW.address_view)
        BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: address_view'); END;
        CREATE TRIGGER forwarded_view_free_update BEFORE UPDATE OF address_view ON forwarded_addresses
        WHEN EXISTS (SELECT 1 FROM addresses WHERE address_view = NEW.address_view)
        BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: address_view'); END;
        """,

        // Version 13: sender addresses a user may use besides its own (WildDuck's users.fromWhitelist,
        // reference §1.2), normalised entries joined by newlines; '' for none.
        """
        ALTER TABLE users ADD COLUMN from_whitelist TEXT NOT NULL DEFAULT '';
        """,

        // Version 14: per-mailbox at-rest encryption (WildDuck's mailboxes.encryptMessages,
        // reference §2.10 step 2): mail added to the mailbox is encrypted when the user has a key.
        """
        ALTER TABLE mailboxes ADD COLUMN encrypt_messages INTEGER NOT NULL DEFAULT 0;
        """,

        // Version 15: the identity name of a user's address (WildDuck's addresses.name), set by
        // POST and PUT /users/:user/addresses; NULL = none.
        """
        ALTER TABLE addresses ADD COLUMN name TEXT;
        """,

        // Version 16: a user's daily submission recipient limit (WildDuck's users.recipients,
        // reference §1.2); 0 = the API's MaxRecipientsPerDay.
        """
        ALTER TABLE users ADD COLUMN recipients INTEGER NOT NULL DEFAULT 0;
        """,
    };
}
