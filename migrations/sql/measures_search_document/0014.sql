-- Keeps the search columns of a measure (0014): what people call it, from the title
-- (weight A), the type's German and English labels (B), the municipality's name,
-- partner and funding (C) and the description (D). A trigger of its own, named to run
-- after measures_before_write (PostgreSQL fires BEFORE triggers by name), which has
-- derived the municipality by then.
CREATE OR REPLACE FUNCTION measures_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.title IS NOT DISTINCT FROM OLD.title
     AND NEW.description IS NOT DISTINCT FROM OLD.description
     AND NEW.partner IS NOT DISTINCT FROM OLD.partner
     AND NEW.funding IS NOT DISTINCT FROM OLD.funding
     AND NEW.type IS NOT DISTINCT FROM OLD.type
     AND NEW.municipality IS NOT DISTINCT FROM OLD.municipality
     AND OLD.search_doc IS NOT NULL THEN
    NEW.search_doc := OLD.search_doc;
    NEW.search_text := OLD.search_text;
    RETURN NEW;
  END IF;
  -- One query for both lookups: each query of a row trigger costs more than the text work.
  SELECT setweight(to_tsvector('german', measure_search_fold(NEW.title)), 'A')
         || setweight(to_tsvector('german', measure_search_fold(concat_ws(' ', t.label_de, t.label_en))), 'B')
         || setweight(to_tsvector('german', measure_search_fold(
              concat_ws(' ', p.name, NEW.partner, NEW.funding))), 'C')
         || setweight(to_tsvector('german', measure_search_fold(coalesce(NEW.description, ''))), 'D'),
         -- Typos are matched against the names' words only: a description of up to 5,000
         -- characters would bring in almost every word.
         measure_search_ascii(concat_ws(' ', NEW.title, t.label_de, t.label_en, p.name,
                                        NEW.partner, NEW.funding))
    INTO NEW.search_doc, NEW.search_text
    FROM (SELECT) AS one
    LEFT JOIN measure_types t ON t.id = NEW.type
    LEFT JOIN municipalities p ON p.ags = NEW.municipality;
  RETURN NEW;
END
$$;
