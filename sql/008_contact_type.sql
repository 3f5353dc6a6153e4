-- What a contact is, as the hotline or app classified it at intake: a fault report (报修), an
-- enquiry (咨询) or a complaint (投诉). The complaint-risk model learns from complaints.

ALTER TABLE contacts ADD COLUMN IF NOT EXISTS type text CHECK (type IN ('report', 'enquiry', 'complaint'));
CREATE INDEX IF NOT EXISTS contacts_complaints_idx ON contacts (ts DESC) WHERE type = 'complaint';
