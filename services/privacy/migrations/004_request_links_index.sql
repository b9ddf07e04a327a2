-- Every read of a request counts its links (GET /requests/{id}, the officer's list).
CREATE INDEX request_links_request ON request_links (request_id);
