-- Search reads a page, not every match: candidates are taken most recently updated first
-- per relevance level (how many of the query's words are in names, functions, roles), so
-- the recency index walks the active candidates in that order; the GIN index on the small
-- rank vector finds a rare level without walking; the filters get indexes of their own so
-- a narrow filter (a postcode area, a function) reads its own rows, not the table.
--
-- Note on 003: toast_tuple_target only sets the size PostgreSQL shrinks a row to once it
-- toasts; it starts toasting only above about 2 kB. A profile with a short CV stays under
-- that, so its full vector is stored inline and the table is not narrow. Search therefore
-- avoids reading every match instead of relying on the table being small.

CREATE INDEX candidate_search_recent ON candidate_search (updated_at DESC, candidate_id)
    WHERE active;
CREATE INDEX candidate_search_rank ON candidate_search USING gin (rank_terms) WHERE active;
CREATE INDEX candidate_search_functions ON candidate_search USING gin (function_types)
    WHERE active;
CREATE INDEX candidate_search_regions ON candidate_search USING gin (regions) WHERE active;
CREATE INDEX candidate_search_postcode ON candidate_search (postcode_area text_pattern_ops)
    WHERE active;
CREATE INDEX candidate_search_available ON candidate_search (available_from) WHERE active;
CREATE INDEX candidate_search_education ON candidate_search (education_rank) WHERE active;
