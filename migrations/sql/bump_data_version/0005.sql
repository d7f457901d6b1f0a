-- Baselines change statistics, so writing them moves the data version on too.
CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; RETURN NULL; END $$;
