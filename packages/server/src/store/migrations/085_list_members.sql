-- MAP list membership (issue 19): who Pulse has put in each Marketo, HubSpot or Pardot list, so a
-- push sends only the adds and removes against it, and a re-run with the same people sends nothing.
-- member_id is the vendor's person id (Marketo lead, HubSpot contact, Pardot prospect);
-- membership_id is the vendor's id of the membership itself where its remove needs it (Pardot).
CREATE TABLE IF NOT EXISTS list_members (
  org_id         text NOT NULL REFERENCES orgs(id),
  source         text NOT NULL,
  list_id        text NOT NULL,
  member_id      text NOT NULL,
  account_id     text,
  membership_id  text,
  added_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, source, list_id, member_id)
);
