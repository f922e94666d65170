-- Moving an older warehouse (legacy): the next import number follows the last one moved.
-- Params: none.
select count(nextval('entries.main.import_id_seq'))
from range((select coalesce(max(import_id), 0) from legacy.main.import_batch))
