-- A Continuing Healthcare case is held by the organisation of the member of staff who opened it:
-- the person's consent to sharing out of that organisation decides who else sees the case.
ALTER TABLE chc_cases ADD COLUMN organisation_id BIGINT REFERENCES organisations(id);
UPDATE chc_cases SET organisation_id =
  (SELECT s.organisation_id FROM staff_users s WHERE s.id = chc_cases.opened_by_user_id);
