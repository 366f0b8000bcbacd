--! description: jobs keep the trace context of the span that scheduled them (telemetry)
--
-- A W3C traceparent ("00-<trace id>-<span id>-<flags>"), NULL when telemetry was off or had no
-- span. Every run of the job, in any worker, starts its span as a child of it. A nullable column
-- without a default is added without rewriting the table.

ALTER TABLE :"schema".jobs ADD COLUMN trace_context text;
