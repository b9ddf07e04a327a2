-- Search moves to a narrow table of its own, so a query that matches half the candidates
-- stays fast: the GIN index finds the matches, the full vector (profile and CV text) is
-- stored out of line and only the small inline rank vector (names, functions, roles) is
-- read to rank.

CREATE TABLE candidate_search (
    candidate_id        text PRIMARY KEY REFERENCES candidates (id) ON DELETE CASCADE,
    active              boolean NOT NULL DEFAULT true,   -- false: unsubscribed, never listed
    function_types      text[] NOT NULL DEFAULT '{}',
    regions             text[] NOT NULL DEFAULT '{}',    -- lower case
    postcode_area       text,                            -- four digits
    available_from      date,
    experience_months   integer NOT NULL DEFAULT 0,      -- finished periods
    experience_running  date,                            -- start of the current job
    education_rank      smallint NOT NULL DEFAULT 0,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    rank_terms          tsvector NOT NULL DEFAULT ''::tsvector,  -- names, functions, roles (A)
    search              tsvector NOT NULL DEFAULT ''::tsvector   -- all profile text + CV (A/B/C)
) WITH (toast_tuple_target = 128);
ALTER TABLE candidate_search ALTER COLUMN rank_terms SET STORAGE MAIN;

INSERT INTO candidate_search
SELECT id, status = 'active', function_types, regions, postcode_area, available_from,
       experience_months, experience_running, education_rank, updated_at,
       ts_filter(profile_terms, '{a}'), search
FROM candidates;

CREATE INDEX candidate_search_match ON candidate_search USING gin (search);

ALTER TABLE candidates
    DROP COLUMN search,
    DROP COLUMN profile_terms,
    DROP COLUMN cv_terms,
    DROP COLUMN function_types,
    DROP COLUMN regions,
    DROP COLUMN postcode_area,
    DROP COLUMN available_from,
    DROP COLUMN experience_months,
    DROP COLUMN experience_running,
    DROP COLUMN education_rank;
