-- One row of the audit trail, in the transaction of the change it records (nothing updates or deletes it).
-- Params: $who, $action, $what, $address.
insert into entries.audit_event (who, action, what, address)
values ($who, $action, $what, $address)
