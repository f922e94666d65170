-- The audit trail, newest first: who, when, what, from which address.
-- Params: none.
select audit_id, happened_at, who, action, what, address
from audit_event
order by audit_id desc
