-- Terms (R_MEM_9): each version's full text besides its summary, and the notice of a major change. The
-- terms-notice job tells every active member of the market through the outbox, in order of member id;
-- notice_cursor is the last member told (so the job resumes), notified_at is set when all were told.
ALTER TABLE terms_versions ADD COLUMN body TEXT NOT NULL DEFAULT '';
ALTER TABLE terms_versions ADD COLUMN notice_cursor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terms_versions ADD COLUMN notified_at INTEGER;
