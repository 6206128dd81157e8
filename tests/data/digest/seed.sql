-- seed.sql — a network as the digest of Monday 7 December 2026, 08:00
-- (Europe/Paris) sees it; read by tests/integration/digest_print.sh with
-- TZ=Europe/Paris, so that unixepoch('...', 'utc') reads a Paris local
-- time.  The previous
-- digest ran on Monday 30 November at 08:00.

INSERT INTO persons (id, email, name, themes, communes, charter_signed_at,
    failing_since, last_bounce_at, last_bounce_status, created_at, updated_at)
VALUES
 (1, 'coord@example.org', 'Claire Coordination', '[]', '[]', NULL, NULL, NULL, NULL, 0, 0),
 (2, 'romane@example.org', 'Romane Référente', '["alimentation"]', '["Ambert"]', NULL, NULL, NULL, NULL, 0, 0),
 (3, 'victor@example.org', 'Victor Ressource', '["energie","habitat"]', '["Ambert"]',
     unixepoch('2026-12-02 17:45', 'utc'), NULL, NULL, NULL, 0, 0),
 (4, 'valerie@example.org', '', '["alimentation","tiers_lieu"]', '[]',
     unixepoch('2026-03-02 09:00', 'utc'), NULL, NULL, NULL, 0, 0),
 (5, 'camille@example.org', 'Camille Porteur', '[]', '[]', NULL, NULL, NULL, NULL, 0, 0),
 (6, 'bruno@example.org', 'Bruno Rebond', '[]', '[]', NULL,
     unixepoch('2026-12-03 09:12', 'utc'), unixepoch('2026-12-03 09:12', 'utc'), '5.1.1', 0, 0),
 (7, 'ancien@example.org', '', '[]', '[]', NULL,
     unixepoch('2026-10-01 09:00', 'utc'), unixepoch('2026-10-01 09:00', 'utc'), '5.2.2', 0, 0),
 (8, 'theo@example.org', 'Théo Témoin', '[]', '[]', NULL, NULL, NULL, NULL, 0, 0),
 (9, 'inconnu@example.org', '', '[]', '[]', NULL, NULL, NULL, NULL, 0, 0);

INSERT INTO person_roles (person_id, role, since) VALUES
 (1, 'coordinator', 0), (2, 'referent', 0), (3, 'volunteer', 0),
 (4, 'volunteer', 0), (5, 'holder', 0), (8, 'holder', 0);

INSERT INTO cases (id, ref, year, seq, kind, state, state_since, holder_id,
    referent_id, themes, commune, subject, flags, created_at, updated_at,
    last_activity_at, closed_at)
VALUES
 -- a decision late (flag 2), a refused command on it
 (1, 'CDP-2026-0001', 2026, 1, 'request', 'analysis',
     unixepoch('2026-11-10 09:30', 'utc'), 5, 2, '["alimentation"]', 'Ambert',
     'Jardin partagé à Ambert', 2, unixepoch('2026-11-09 16:20', 'utc'), 0,
     unixepoch('2026-11-10 09:30', 'utc'), NULL),
 -- no referent (flag 1); a subject with markup
 (2, 'CDP-2026-0002', 2026, 2, 'report', 'new',
     unixepoch('2026-12-03 10:05', 'utc'), NULL, NULL, '["energie"]', 'Olliergues',
     'Panneaux solaires <école> & "mairie"', 1, unixepoch('2026-12-03 10:05', 'utc'), 0,
     unixepoch('2026-12-03 10:05', 'utc'), NULL),
 -- a group nobody accepted: one declined, one expired
 (3, 'CDP-2026-0003', 2026, 3, 'request', 'forming',
     unixepoch('2026-11-20 11:00', 'utc'), 5, 2, '["dechets"]', 'Ambert',
     'Repair café', 0, unixepoch('2026-10-15 14:00', 'utc'), 0,
     unixepoch('2026-11-20 11:00', 'utc'), NULL),
 -- active: an overdue milestone, a check-in and the meeting to come
 (4, 'CDP-2026-0004', 2026, 4, 'request', 'active',
     unixepoch('2026-11-02 10:00', 'utc'), 5, 2, '["energie","habitat"]', 'Ambert',
     'Rénovation de la salle des fêtes', 0, unixepoch('2026-09-01 10:00', 'utc'), 0,
     unixepoch('2026-12-01 10:00', 'utc'), NULL),
 -- inactive (flag 4), no theme, no commune
 (5, 'CDP-2026-0005', 2026, 5, 'request', 'active',
     unixepoch('2026-07-20 10:00', 'utc'), 5, 2, '[]', NULL,
     'Covoiturage', 4, unixepoch('2026-07-10 10:00', 'utc'), 0,
     unixepoch('2026-08-01 10:00', 'utc'), NULL),
 -- closed since the last digest; its holder became a witness
 (6, 'CDP-2025-0007', 2025, 7, 'request', 'closed',
     unixepoch('2026-12-02 15:00', 'utc'), 8, 2, '["biodiversite"]', 'Marsac-en-Livradois',
     'Haies et vergers', 0, unixepoch('2025-06-01 10:00', 'utc'), 0,
     unixepoch('2026-12-02 15:00', 'utc'), unixepoch('2026-12-02 15:00', 'utc')),
 -- ended before the last digest: counted, not listed
 (7, 'CDP-2026-0006', 2026, 6, 'other', 'ineligible',
     unixepoch('2026-11-15 10:00', 'utc'), NULL, 2, '[]', NULL,
     'Publicité', 0, unixepoch('2026-11-12 10:00', 'utc'), 0,
     unixepoch('2026-11-15 10:00', 'utc'), unixepoch('2026-11-15 10:00', 'utc'));

INSERT INTO case_members (case_id, person_id, role, status) VALUES
 (1, 5, 'holder', 'accepted'), (1, 2, 'referent', 'accepted'),
 (3, 3, 'volunteer', 'declined'), (3, 4, 'volunteer', 'expired'),
 (4, 3, 'volunteer', 'accepted'), (5, 4, 'volunteer', 'accepted'),
 (6, 8, 'holder', 'accepted');

INSERT INTO meetings (case_id, uid, starts_at, location, created_at, updated_at) VALUES
 (4, 'm4@example.org', unixepoch('2026-12-15 18:30', 'utc'), 'salle des fêtes', 0, 0),
 (4, 'm4-old@example.org', unixepoch('2026-11-05 18:30', 'utc'), 'mairie', 0, 0);
INSERT INTO milestones (case_id, kind, due_at, has_time, label, state, created_at) VALUES
 (4, 'milestone', unixepoch('2026-12-01 00:00', 'utc'), 0, 'Devis des travaux', 'planned', 0),
 (4, 'checkin', unixepoch('2026-12-10 14:00', 'utc'), 1, '', 'planned', 0),
 (4, 'milestone', unixepoch('2026-11-20 00:00', 'utc'), 0, 'Choix de l''architecte', 'done', 0),
 (4, 'milestone', unixepoch('2026-12-28 00:00', 'utc'), 0, 'Au-delà des 14 jours', 'planned', 0);

INSERT INTO testimonies (case_id, person_id, asked_at, answer, answered_at, themes, commune) VALUES
 (6, 8, unixepoch('2026-11-28 08:00', 'utc'), 'yes', unixepoch('2026-12-01 19:00', 'utc'),
  '["biodiversite","lien_social"]', 'Marsac-en-Livradois');

INSERT INTO messages (id, direction, case_id, person_id, message_id, subject, from_address,
    content_hash, raw, received_at) VALUES
 (1, 'in', 1, 9, 'x1@example.org', 'Re: Jardin', 'inconnu@example.org',
  '0000000000000000000000000000000000000000000000000000000000000001', X'', 0);
INSERT INTO events (case_id, at, actor_id, kind, msg_id, details) VALUES
 (1, unixepoch('2026-12-04 11:15', 'utc'), 9, 'commands_refused', 1,
  '{"reason":"sender not verified","lines":"ELIGIBLE"}'),
 (1, unixepoch('2026-11-20 11:15', 'utc'), 9, 'commands_refused', 1, NULL),
 (1, unixepoch('2026-12-05 10:00', 'utc'), NULL, 'mail_capped', NULL,
  '{"template":"status","address":"boucle@example.org","day":"2026-12-05"}'),
 (1, unixepoch('2026-12-05 10:05', 'utc'), NULL, 'mail_capped', NULL,
  '{"template":"help","address":"boucle@example.org","day":"2026-12-05"}'),
 (1, unixepoch('2026-11-20 10:00', 'utc'), NULL, 'mail_capped', NULL,
  '{"template":"status","address":"boucle@example.org","day":"2026-11-20"}');

INSERT INTO quarantine (raw, content_hash, reason, message_id, created_at) VALUES
 (X'', '0000000000000000000000000000000000000000000000000000000000000002',
  'MIME nesting deeper than 32', 'q1@example.org', unixepoch('2026-12-05 22:40', 'utc')),
 (X'', '0000000000000000000000000000000000000000000000000000000000000003',
  'not UTF-8', NULL, unixepoch('2026-10-05 22:40', 'utc'));

INSERT INTO outbox (id, case_id, person_id, template, sender, recipients, message_id,
    message, status, attempts, next_attempt_at, last_error, created_at) VALUES
 (41, 4, 6, 'checkin', 'coupdepouce@example.org', '["bruno@example.org"]', 'o41@example.org',
  X'', 'failed', 1, unixepoch('2026-12-03 09:10', 'utc'), '550 5.1.1 <bruno@example.org>: user unknown',
  unixepoch('2026-12-03 09:10', 'utc'));

INSERT INTO rate (address, day, count) VALUES
 ('boucle@example.org', '2026-12-05', 40), ('calme@example.org', '2026-12-05', 3),
 ('boucle@example.org', '2026-11-20', 40);

INSERT INTO jobs (kind, due_at, done_at, created_at) VALUES
 ('digest', unixepoch('2026-11-30 08:00', 'utc'), unixepoch('2026-11-30 08:00', 'utc'), 0);
