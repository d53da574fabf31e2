-- Indexes for lookups and reports. Separate from 001 so bulk loads into a new database can
-- run before them when a loader chooses to.
CREATE INDEX local_records_nhs_number ON local_records (nhs_number);
CREATE INDEX local_records_person ON local_records (person_id);
CREATE INDEX local_records_birth_date ON local_records (birth_date);
CREATE INDEX activity_record ON activity (local_record_id);
CREATE INDEX activity_date ON activity (activity_date);
CREATE INDEX care_packages_record ON care_packages (local_record_id);
CREATE INDEX referrals_to_team ON referrals (to_team_id, status);
CREATE INDEX referrals_record ON referrals (local_record_id);
CREATE INDEX synthetic_truth_person ON synthetic_truth (true_person);
