-- schema.sql — the whole coupdepouce database, schema version 9.
--
-- Compiled into the binary (scripts/embed.sh) and run by store.c on an
-- empty database, in one transaction with its `PRAGMA user_version`.  A
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
--   * tables are STRICT: a value of the wrong type is an error;
--   * a value among three or more is checked with OR, not IN: SQLite
--     builds a temporary table for an IN list of three constants or more
--     each time it checks a row, a tenth of a mail's handling (store.c,
--     migration 8).

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
  updated_at         INTEGER NOT NULL,
  -- Availability for new cases (INDISPONIBLE [jusqu'au date]): routing
  -- and invitations skip a person while unavailable is 1 and
  -- unavailable_until is NULL (until DISPONIBLE) or still to come.
  unavailable        INTEGER NOT NULL DEFAULT 0,     -- 0 or 1
  unavailable_until  INTEGER
) STRICT;
-- Failing addresses, for the digest (by address): a few rows, however
-- many people.
CREATE INDEX persons_failing ON persons(email)
  WHERE failing_since IS NOT NULL;
-- Charters signed since the last digest.
CREATE INDEX persons_charter ON persons(charter_signed_at)
  WHERE charter_signed_at IS NOT NULL;

-- Network-wide roles: who may be routed cases, invited, or give
-- coordinator commands.  Holder and reporter are mainly roles in a case
-- (case_members); 'holder' here marks people who carried an initiative,
-- whom the charter asks to share their experience later.
CREATE TABLE person_roles (
  person_id  INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role = 'holder' OR role = 'referent' OR
               role = 'volunteer' OR role = 'coordinator'),
  since      INTEGER NOT NULL,
  -- Where the role came from, shown by `person list`: 'file' for the
  -- people file ([paths] people; a 'db' role the file also lists is
  -- marked 'file'), 'db' for the command line and mail (a volunteer
  -- accepted).  Only informative: the database is the truth about the
  -- pool, and no re-read of the file removes a role whatever its source
  -- (`person edit --roles` and mail commands do, as events).
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
  kind              TEXT NOT NULL CHECK (kind = 'request' OR
                      kind = 'report' OR kind = 'volunteer' OR kind = 'other'),
  state             TEXT NOT NULL DEFAULT 'new' CHECK (state = 'new' OR
                      state = 'analysis' OR state = 'ineligible' OR
                      state = 'forming' OR state = 'meeting' OR
                      state = 'active' OR state = 'closed' OR
                      state = 'withdrawn'),
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
-- Every index written on a mail's way costs each mail.  None on
-- referent_id or contact_id: the queries by referent want the open cases
-- (cases_open), none looks cases up by their privileged contact, and
-- persons are never deleted, so the foreign keys never search (schema 9).
-- Ten years of cases must not slow the way of a mail down.  Routing and
-- the digest count each referent's open cases: the open ones are a few
-- hundred, however many ended.  Queries name open cases with this very
-- WHERE so that SQLite can use the index.
CREATE INDEX cases_open ON cases(referent_id)
  WHERE state <> 'ineligible' AND state <> 'closed' AND state <> 'withdrawn';
-- The digest's "opened / ended since" and its 12-month trend.
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_closed ON cases(closed_at)
  WHERE closed_at IS NOT NULL;

-- Who takes part in a case and where their invitation stands.  A person
-- takes part while status is 'accepted' ('invited' ones may answer
-- OUI/NON); 'removed' keeps the history of e.g. a transferred referent.
CREATE TABLE case_members (
  case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  person_id    INTEGER NOT NULL REFERENCES persons(id) ON DELETE RESTRICT,
  role         TEXT NOT NULL CHECK (role = 'holder' OR role = 'referent' OR
                 role = 'volunteer' OR role = 'coordinator' OR
                 role = 'reporter'),
  status       TEXT NOT NULL DEFAULT 'accepted' CHECK (status = 'invited' OR
                 status = 'accepted' OR status = 'declined' OR
                 status = 'expired' OR status = 'removed'),
  invited_at   INTEGER,
  answered_at  INTEGER,
  reminders    INTEGER NOT NULL DEFAULT 0,      -- invitation reminders sent
  ended        INTEGER NOT NULL DEFAULT 0,      -- 1 while the case is ended
  PRIMARY KEY (case_id, person_id, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX case_members_person ON case_members(person_id);
-- A volunteer's load (routing) is their memberships of cases still open.
-- A membership stays 'accepted' when its case ends, so `ended` marks it
-- and this index holds only the open ones: counting them reads neither
-- the years of ended cases nor every open case of a storm.  Triggers
-- keep `ended` equal to the case's state whoever writes it.
CREATE INDEX case_members_open ON case_members(person_id)
  WHERE ended = 0 AND role = 'volunteer' AND status IN ('invited', 'accepted');
CREATE TRIGGER case_members_ended AFTER INSERT ON case_members
  WHEN EXISTS (SELECT 1 FROM cases WHERE id = new.case_id AND
    (state = 'ineligible' OR state = 'closed' OR state = 'withdrawn'))
BEGIN
  UPDATE case_members SET ended = 1 WHERE case_id = new.case_id
    AND person_id = new.person_id AND role = new.role;
END;
CREATE TRIGGER cases_ended AFTER UPDATE OF state ON cases
  WHEN (old.state = 'ineligible' OR old.state = 'closed' OR
    old.state = 'withdrawn') <> (new.state = 'ineligible' OR
    new.state = 'closed' OR new.state = 'withdrawn')
BEGIN
  UPDATE case_members SET ended = (new.state = 'ineligible' OR
    new.state = 'closed' OR new.state = 'withdrawn') WHERE case_id = new.id;
END;

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
  auto              TEXT NOT NULL DEFAULT 'none' CHECK (auto = 'none' OR
                      auto = 'auto-reply' OR auto = 'bounce' OR
                      auto = 'list'),
  -- How it was matched (DESIGN.md §4): verified token, subject tag, new
  -- case, or not at all.
  matched_by        TEXT CHECK (matched_by = 'token' OR matched_by = 'tag' OR
                      matched_by = 'new' OR matched_by = 'none'),
  content_hash      TEXT NOT NULL   -- sha256 of raw, lower-case hex
                    CHECK (length(content_hash) = 64),
  raw               BLOB NOT NULL,  -- X'' once forgotten (RGPD)
  new_text          TEXT,           -- the reply without quotes/signature
  imap_folder       TEXT,           -- where it was fetched ('in' only)
  imap_uidvalidity  INTEGER,
  imap_uid          INTEGER,
  received_at       INTEGER NOT NULL,           -- fetched, or queued
  -- Retention ([storage] keep_raw_days): when raw and new_text were
  -- blanked because the case closed long ago; NULL: kept.
  purged_at         INTEGER,
  UNIQUE (message_id, content_hash)
) STRICT;
CREATE INDEX messages_case ON messages(case_id, received_at)
  WHERE case_id IS NOT NULL;
CREATE INDEX messages_person ON messages(person_id)
  WHERE person_id IS NOT NULL;
-- The mails whose content is still kept: the daily purge
-- (retention_db.c) reads these, not every mail of the years.
CREATE INDEX messages_kept ON messages(case_id, received_at)
  WHERE purged_at IS NULL AND (length(raw) > 0 OR new_text IS NOT NULL);

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
-- No index on actor_id or msg_id, though each mail writes two or three
-- events: no query looks events up by them (a person's export and
-- erasure read every event for their name anyway), and persons and mails
-- are never deleted, so their foreign keys never search them (schema 9).
-- Events since a date (the digest's refused commands, capped answers,
-- newcomers): a week of them, not every event of a kind since the start.
CREATE INDEX events_at ON events(at);
-- Routing prefers the referent assigned longest ago: the last
-- 'assigned' event of each referent in one seek.  An index on the
-- events rather than a column on persons, so the timeline stays the one
-- record of who was assigned when (case_db.c writes the event; forget
-- empties its details, and the referent is then gone from the pool).
CREATE INDEX events_assigned ON events
  (json_extract(details, '$.referent_id'), at)
  WHERE kind = 'assigned';
-- Whether a duplicate notice about a case went today (one a day): the
-- cases flagged as its possible duplicates, then their mails, rather
-- than every notice of the day, which a storm makes thousands.
CREATE INDEX events_duplicate ON events
  (json_extract(details, '$.other_ref'))
  WHERE kind = 'possible_duplicate';

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
CREATE INDEX meetings_scheduled ON meetings(starts_at)
  WHERE state = 'scheduled';

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
               CHECK (state = 'planned' OR state = 'done' OR
                 state = 'cancelled'),
  reminded_at  INTEGER,             -- reminder before it sent
  asked_at     INTEGER,             -- "how did it go?" sent the day after
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX milestones_case ON milestones(case_id, due_at);
CREATE INDEX milestones_planned ON milestones(due_at)
  WHERE state = 'planned';

-- Holders asked, some months after their case closed, whether they would
-- share their experience with new holders (DESIGN.md §1 step 4, §3).  One
-- row per closed case whose holder was asked; answer 'yes' makes them a
-- witness suggested to referents of new cases on the same themes (themes
-- and commune copied from the case), 'no' is kept so that they are never
-- asked again.
CREATE TABLE testimonies (
  case_id      INTEGER PRIMARY KEY
               REFERENCES cases(id) ON DELETE CASCADE,
  person_id    INTEGER NOT NULL
               REFERENCES persons(id) ON DELETE CASCADE,
  asked_at     INTEGER,
  answer       TEXT CHECK (answer IN ('yes', 'no')),
  answered_at  INTEGER,
  themes       TEXT NOT NULL DEFAULT '[]'
               CHECK (json_valid(themes) AND themes LIKE '[%'),
  commune      TEXT
) STRICT;
CREATE INDEX testimonies_person ON testimonies(person_id);
-- Witnesses: those who said yes, the latest first, and those of one
-- commune (testimony_db.c reads a few rows of each, never all).
CREATE INDEX testimonies_yes ON testimonies(answered_at)
  WHERE answer = 'yes';
CREATE INDEX testimonies_yes_commune ON testimonies
  (commune COLLATE NOCASE, answered_at) WHERE answer = 'yes';

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
-- The last digest sent.  Partial, so that the jobs still to do keep
-- being read through jobs_due.
CREATE INDEX jobs_done ON jobs(kind, done_at)
  WHERE done_at IS NOT NULL;

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
  status           TEXT NOT NULL DEFAULT 'queued' CHECK (status = 'queued' OR
                     status = 'sending' OR status = 'sent' OR
                     status = 'failed'),
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
-- The mail still to send, oldest first: finding the next due ones reads
-- these rows, not every queued row sorted (a storm queues thousands)
-- nor the years of sent ones.
CREATE INDEX outbox_pending ON outbox(id)
  WHERE status IN ('queued', 'sending') AND message_id IS NOT NULL;
-- When the next mail is due (the daemon's sleep): the earliest of the
-- mail still to send, one seek, not a walk of the whole queue.
CREATE INDEX outbox_wake ON outbox(CASE WHEN status = 'queued'
  THEN max(next_attempt_at, coalesce(hold_until, 0)) ELSE next_attempt_at END)
  WHERE status IN ('queued', 'sending') AND message_id IS NOT NULL;
-- Mail still to copy into the sent folder: keeps each copy pass from
-- reading every sent row (copied_at sits after the message blob).
CREATE INDEX outbox_to_copy ON outbox(sent_at)
  WHERE status = 'sent' AND copied_at IS NULL;
CREATE INDEX outbox_case ON outbox(case_id);
-- Sent mail whose content is still kept: the purge's share of the
-- outbox, as messages_kept.
CREATE INDEX outbox_kept ON outbox(case_id)
  WHERE status IN ('sent', 'failed') AND length(message) > 0;
-- Whether a person was sent a mail of a template today (one
-- acknowledgement a day): their rows of that template since the day's
-- start, not every mail queued today by a storm.
CREATE INDEX outbox_person ON outbox(person_id, template, created_at);

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
-- The daily purge of old raw mails.
CREATE INDEX quarantine_created ON quarantine(created_at);

-- The copies in the contact mailbox of mails the retention purged
-- (retention_db.h): the daemon deletes them from the processed, quarantine
-- and sent folders over its IMAP connection (fetch/retention_erase.h), then
-- the row.  Filled in the purge's transaction, so a crash loses none.
CREATE TABLE mailbox_erase (
  message_id        TEXT PRIMARY KEY,   -- without <>
  queued_at         INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
-- The oldest first, and a purge's own rows.
CREATE INDEX mailbox_erase_queued ON mailbox_erase(queued_at);
