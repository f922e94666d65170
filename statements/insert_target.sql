-- One target set by the head of service, for a measure, a scope and a year.
-- Params: $metric, $scope, $fy, $value, $note.
insert into entries.entered_target (metric, scope, fy, value, note)
values ($metric, $scope, $fy, $value, $note)
