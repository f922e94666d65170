-- What each event is, and the effect the seed generator gives it. Applied after data/schema.sql by every
-- build, and to a warehouse built before it when that is opened for writing (libstats.db.upgrade).
--
-- kind: what sort of change it was (opening, closure, improvement, relocation, merger, management,
--       scope, policy, system, service), so a before-and-after can say where it does not apply.
-- branches: the branches it touched, ';'-separated, when it has no single branch.
-- priority: the first-year priority it is (crayford, central, lms), so pages find it without its title.
-- modelled_effect: the factor the seed generator applies to the touched branches from the event's month
--       on; modelled_first_effect for the first modelled_first_months months instead;
--       modelled_metrics: 'loans' when only book issues and requests are touched (blank: every measure).
alter table event add column kind varchar;
alter table event add column branches varchar;
alter table event add column priority varchar;
alter table event add column modelled_effect double;
alter table event add column modelled_first_effect double;
alter table event add column modelled_first_months integer;
alter table event add column modelled_metrics varchar;
