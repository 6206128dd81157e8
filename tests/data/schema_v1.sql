-- schema.sql — the whole coupdepouce database, schema version 1.
--
-- Compiled into the binary (scripts/embed.sh) and run by store.c on an
-- empty database, in one transaction with `PRAGMA user_version = 1`.  A
-- schema change adds a numbered migration in store.c AND changes this file,
-- so a fresh database always gets the current schema in one step.  No
-- BEGIN/COMMIT and no PRAGMA user_version here.
--
-- Conventions:
--   * times are INTEGER unix seconds, UTC; NULL means "not yet / never";
--     no trigger or default fills them in, because the daemon's clock can
--     be fixed (--now): every time is bound by the caller;
--   * booleans are INTEGER 0/1;
--   * lists of identifiers (themes, communes, recipients) are JSON arrays
--     of strings (checked: valid JSON starting with '['), read with
--     json_each();
--   * e-mail addresses are stored normalized to lower case;
--   * persons are not deleted once referenced: RGPD erasure ("forget")
--     blanks their personal data and keeps the row, so case histories stay
--     whole.  Hence references to persons are RESTRICT where the person is
--     part of a case, SET NULL where only history points at them.  Rows
--     that belong to a case go with it (CASCADE); mail outlives it
--     (SET NULL), since no mail is ever lost;
--   * tables are STRICT: a value of the wrong type is an error.

-- People the network knows: holders, reporters, referents, volunteers,
-- coordinators.  One row per address.
CREATE TABLE persons (
  id                 INTEGER PRIMARY KEY,
  email              TEXT NOT NULL UNIQUE
                     CHECK (email <> '' AND email = lower(email)),
  name               TEXT NOT NULL DEFAULT '',
  themes             TEXT NOT NULL DEFAULT '[]'     -- skills: rule themes
                     CHECK (json_valid(themes) AND themes LIKE '[%'),
  communes           TEXT NOT NULL DEFAULT '[]'     -- where they can help
                     CHECK (json_valid(communes) AND communes LIKE '[%'),
  max_open_cases     INTEGER,           -- NULL: the configured default
  active             INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  charter_signed_at  INTEGER,           -- volunteers: ethics/trust charter
  -- Deliverability, from bounces (RFC 3464 DSN): set by a bounce, cleared
  -- when the address is seen working again.
  failing_since      INTEGER,
  last_bounce_at     INTEGER,
  last_bounce_status TEXT,              -- DSN status, e.g. '5.1.1'
  -- RGPD erasure: email becomes 'forgotten-<id>@invalid', name and lists
  -- are emptied, their raw mails blanked; the row stays.
  forgotten_at       INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
) STRICT;

-- Network-wide roles: who may be routed cases, invited, or give
-- coordinator commands.  Holder and reporter are mainly roles in a case
-- (case_members); 'holder' here marks people who carried an initiative,
-- whom the charter asks to share their experience later.
CREATE TABLE person_roles (
  person_id  INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN
               ('holder', 'referent', 'volunteer', 'coordinator')),
  since      INTEGER NOT NULL,
  -- Who gave the role: 'file' for the people file ([paths] people), which
  -- the daemon re-reads and whose dropped roles it removes; 'db' for
  -- `person add`/`person import` and mail (a volunteer accepted), which a
  -- re-read never touches.  A 'db' role the file also lists becomes 'file'.
  source     TEXT NOT NULL DEFAULT 'db' CHECK (source IN ('db', 'file')),
  PRIMARY KEY (person_id, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX person_roles_role ON person_roles(role);

-- Last case number given in each year, for references CDP-YYYY-NNNN; read
-- and incremented in the transaction that creates the case.
CREATE TABLE case_seq (
  year      INTEGER PRIMARY KEY,
  last_seq  INTEGER NOT NULL CHECK (last_seq >= 0)
) STRICT;

-- A case: one initiative (request or report) or one volunteer application,
-- from its first mail to its end.  States: DESIGN.md §3.
CREATE TABLE cases (
  id                INTEGER PRIMARY KEY,
  ref               TEXT NOT NULL UNIQUE,       -- 'CDP-2025-0042'
  year              INTEGER NOT NULL,
  seq               INTEGER NOT NULL CHECK (seq > 0),
  kind              TEXT NOT NULL CHECK (kind IN
                      ('request', 'report', 'volunteer', 'other')),
  state             TEXT NOT NULL DEFAULT 'new' CHECK (state IN
                      ('new', 'analysis', 'ineligible', 'forming',
                       'meeting', 'active', 'closed', 'withdrawn')),
  state_since       INTEGER NOT NULL,           -- when state was entered
  -- Whom the case is about: the initiative's holder, or the applicant of
  -- a volunteer case; NULL while unknown (a report).
  holder_id         INTEGER REFERENCES persons(id) ON DELETE RESTRICT,
  referent_id       INTEGER REFERENCES persons(id) ON DELETE RESTRICT,
  contact_id        INTEGER REFERENCES persons(id) ON DELETE RESTRICT,
                                    -- privileged contact (interlocuteur)
  themes            TEXT NOT NULL DEFAULT '[]'
                    CHECK (json_valid(themes) AND themes LIKE '[%'),
  commune           TEXT,
  subject           TEXT NOT NULL DEFAULT '',   -- of the first mail
  roadmap           TEXT,           -- latest FEUILLE DE ROUTE, as written
  reason            TEXT,           -- why ineligible/withdrawn; closing
                                    -- summary (bilan)
  -- Bit set for the digest, meanings defined by the case module (e.g.
  -- referent late, inactive too long); 0: nothing to report.
  flags             INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  last_activity_at  INTEGER NOT NULL,           -- last mail or command
  closed_at         INTEGER,        -- entered ineligible/closed/withdrawn
  UNIQUE (year, seq),
  CHECK (ref = printf('CDP-%04d-%04d', year, seq))
) STRICT;
CREATE INDEX cases_state ON cases(state);
CREATE INDEX cases_holder ON cases(holder_id);
CREATE INDEX cases_referent ON cases(referent_id);
CREATE INDEX cases_contact ON cases(contact_id);

-- Who takes part in a case and where their invitation stands.  A person
-- takes part while status is 'accepted' ('invited' ones may answer
-- OUI/NON); 'removed' keeps the history of e.g. a transferred referent.
CREATE TABLE case_members (
  case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  person_id    INTEGER NOT NULL REFERENCES persons(id) ON DELETE RESTRICT,
  role         TEXT NOT NULL CHECK (role IN ('holder', 'referent',
                 'volunteer', 'coordinator', 'reporter')),
  status       TEXT NOT NULL DEFAULT 'accepted' CHECK (status IN
                 ('invited', 'accepted', 'declined', 'expired', 'removed')),
  invited_at   INTEGER,
  answered_at  INTEGER,
  reminders    INTEGER NOT NULL DEFAULT 0,      -- invitation reminders sent
  PRIMARY KEY (case_id, person_id, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX case_members_person ON case_members(person_id);

-- Every mail received or sent, raw bytes kept.  message_id is the
-- Message-ID without angle brackets, '' when there is none; with the
-- content hash it makes storing the same mail twice (fetched again after a
-- crash before the IMAP move) a detectable no-op.
CREATE TABLE messages (
  id                INTEGER PRIMARY KEY,
  direction         TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  case_id           INTEGER REFERENCES cases(id) ON DELETE SET NULL,
  person_id         INTEGER REFERENCES persons(id) ON DELETE SET NULL,
  message_id        TEXT NOT NULL DEFAULT '',
  in_reply_to       TEXT,
  refs              TEXT,           -- References: ids, space-separated
  subject           TEXT NOT NULL DEFAULT '',   -- decoded, UTF-8
  from_name         TEXT NOT NULL DEFAULT '',
  from_address      TEXT NOT NULL DEFAULT '',
  date              INTEGER,        -- Date: header; NULL if absent/invalid
  auto              TEXT NOT NULL DEFAULT 'none' CHECK (auto IN
                      ('none', 'auto-reply', 'bounce', 'list')),
  -- How it was matched (DESIGN.md §4): verified token, subject tag, new
  -- case, or not at all.
  matched_by        TEXT CHECK (matched_by IN ('token', 'tag', 'new', 'none')),
  content_hash      TEXT NOT NULL   -- sha256 of raw, lower-case hex
                    CHECK (length(content_hash) = 64),
  raw               BLOB NOT NULL,  -- X'' once forgotten (RGPD)
  new_text          TEXT,           -- the reply without quotes/signature
  imap_folder       TEXT,           -- where it was fetched ('in' only)
  imap_uidvalidity  INTEGER,
  imap_uid          INTEGER,
  received_at       INTEGER NOT NULL,           -- fetched, or queued
  UNIQUE (message_id, content_hash)
) STRICT;
CREATE INDEX messages_case ON messages(case_id, received_at);
CREATE INDEX messages_person ON messages(person_id);

-- A case's timeline and the audit trail: state changes, commands (run or
-- refused, and why), notes, mails in and out, admin actions.  case_id is
-- NULL for network-wide events (a person forgotten, a charter signed).
CREATE TABLE events (
  id        INTEGER PRIMARY KEY,
  case_id   INTEGER REFERENCES cases(id) ON DELETE CASCADE,
  at        INTEGER NOT NULL,
  actor_id  INTEGER REFERENCES persons(id) ON DELETE SET NULL,
                                    -- NULL: the daemon or an admin
  kind      TEXT NOT NULL,          -- e.g. 'state', 'command', 'note'
  msg_id    INTEGER REFERENCES messages(id) ON DELETE SET NULL,
                                    -- the mail that caused it
  details   TEXT CHECK (details IS NULL OR json_valid(details))
) STRICT;
CREATE INDEX events_case ON events(case_id, at);
CREATE INDEX events_actor ON events(actor_id);
CREATE INDEX events_msg ON events(msg_id);

-- Meetings of a case's group.  uid and sequence are the iCalendar UID and
-- SEQUENCE: moving a meeting keeps the uid and bumps the sequence;
-- cancelling sets state.
CREATE TABLE meetings (
  id              INTEGER PRIMARY KEY,
  case_id         INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  uid             TEXT NOT NULL UNIQUE,
  sequence        INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
  starts_at       INTEGER NOT NULL,
  location        TEXT,
  state           TEXT NOT NULL DEFAULT 'scheduled'
                  CHECK (state IN ('scheduled', 'cancelled')),
  reminders_sent  INTEGER NOT NULL DEFAULT 0,   -- of the configured ones
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX meetings_case ON meetings(case_id);

-- Dated roadmap steps (kind 'milestone', from FEUILLE DE ROUTE) and
-- check-ins (kind 'checkin', from POINT).  Without a time (has_time 0),
-- due_at is the start of the local day.
CREATE TABLE milestones (
  id           INTEGER PRIMARY KEY,
  case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('milestone', 'checkin')),
  due_at       INTEGER NOT NULL,
  has_time     INTEGER NOT NULL DEFAULT 0 CHECK (has_time IN (0, 1)),
  label        TEXT NOT NULL DEFAULT '',
  state        TEXT NOT NULL DEFAULT 'planned'
               CHECK (state IN ('planned', 'done', 'cancelled')),
  reminded_at  INTEGER,             -- reminder before it sent
  asked_at     INTEGER,             -- "how did it go?" sent the day after
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX milestones_case ON milestones(case_id, due_at);

-- Timers: something to do at due_at (a reminder, an expiry, a follow-up,
-- the digest).  Done jobs stay, with done_at set.  payload is JSON for the
-- job's kind, e.g. {"meeting": 3}.
CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  case_id     INTEGER REFERENCES cases(id) ON DELETE CASCADE,
  person_id   INTEGER REFERENCES persons(id) ON DELETE CASCADE,
  due_at      INTEGER NOT NULL,
  done_at     INTEGER,
  payload     TEXT CHECK (payload IS NULL OR json_valid(payload)),
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX jobs_due ON jobs(due_at) WHERE done_at IS NULL;
CREATE INDEX jobs_case ON jobs(case_id);
CREATE INDEX jobs_person ON jobs(person_id);

-- Outgoing mail, queued in the transaction that decided to send it, sent
-- over SMTP with retries.  The row is inserted first, since its id goes
-- into the Message-ID token; message_id and message are then set in the
-- same transaction.  'sending' rows found at start-up were interrupted and
-- go back to 'queued'.
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  case_id          INTEGER REFERENCES cases(id) ON DELETE SET NULL,
  person_id        INTEGER REFERENCES persons(id) ON DELETE SET NULL,
                                    -- the recipient the token is bound to
  template         TEXT,            -- what produced it, for `outbox list`
  sender           TEXT NOT NULL,   -- envelope MAIL FROM
  recipients       TEXT NOT NULL    -- envelope RCPT TO, JSON array
                   CHECK (json_valid(recipients) AND recipients LIKE '[%'),
  message_id       TEXT UNIQUE,     -- without <>; NULL only while composing
  message          BLOB NOT NULL,   -- complete RFC 5322 message, CRLF
  status           TEXT NOT NULL DEFAULT 'queued' CHECK (status IN
                     ('queued', 'sending', 'sent', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  hold_until       INTEGER,         -- not before (working hours); NULL: now
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  sent_at          INTEGER,
  copied_at        INTEGER          -- copied into [imap] sent_folder
                                    -- (sentcopy.h); NULL: not yet.  Also
                                    -- set, without a copy, for mail sent
                                    -- more than 7 days before the pass
) STRICT;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
-- Mail still to copy into the sent folder: keeps each copy pass from
-- reading every sent row (copied_at sits after the message blob).
CREATE INDEX outbox_to_copy ON outbox(sent_at)
  WHERE status = 'sent' AND copied_at IS NULL;
CREATE INDEX outbox_case ON outbox(case_id);
CREATE INDEX outbox_person ON outbox(person_id);

-- Per IMAP folder: the UIDVALIDITY seen and the highest UID handled, so
-- each mail is fetched once.
CREATE TABLE imap_state (
  folder       TEXT PRIMARY KEY,
  uidvalidity  INTEGER NOT NULL,
  last_uid     INTEGER NOT NULL DEFAULT 0,
  updated_at   INTEGER NOT NULL
) STRICT;

-- Automatic mails sent per address and local day ('YYYY-MM-DD'), to cap
-- them (RFC 3834: no mail loops).
CREATE TABLE rate (
  address  TEXT NOT NULL,
  day      TEXT NOT NULL
           CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  count    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (address, day)
) STRICT, WITHOUT ROWID;

-- Fetched mails that could not be handled, with the reason, until a retry
-- attaches them to a stored message (msg_id).  Same content hash, same
-- mail: fetching it again does not add a row.
CREATE TABLE quarantine (
  id                INTEGER PRIMARY KEY,
  raw               BLOB NOT NULL,
  content_hash      TEXT NOT NULL UNIQUE CHECK (length(content_hash) = 64),
  reason            TEXT NOT NULL,
  message_id        TEXT,           -- if one could be read
  imap_folder       TEXT,
  imap_uidvalidity  INTEGER,
  imap_uid          INTEGER,
  created_at        INTEGER NOT NULL,
  retried_at        INTEGER,
  msg_id            INTEGER REFERENCES messages(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX quarantine_msg ON quarantine(msg_id);
