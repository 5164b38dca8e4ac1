-- Issue 25: e-mails name ministries and localities in Vietnamese (the reference data's nameVi, kept
-- beside the English name), and every outbox message has an HTML part beside its text.
ALTER TABLE ministries ADD COLUMN IF NOT EXISTS name_vi TEXT NOT NULL DEFAULT '';
ALTER TABLE localities ADD COLUMN IF NOT EXISTS name_vi TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN IF NOT EXISTS html_body TEXT;
