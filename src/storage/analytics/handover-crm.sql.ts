// The monitoring queries of the handover source document, over the CRM tables it builds its handoff into
// (leads, activities, contacts), as plain SQL a team runs in psql or a BI tool; the test runs these very
// strings. The document was not available in this workplace: the queries are written from its description
// (the most common handover triggers; the handover activities of the last 24 hours with the contact's
// phone) against the document's table and column names, which these tables keep.

export const MOST_COMMON_HANDOVER_TRIGGERS = `
SELECT
  handover_trigger,
  COUNT(*) AS handover_count
FROM leads
WHERE handover_requested = true
GROUP BY handover_trigger
ORDER BY handover_count DESC, handover_trigger
LIMIT 10`;

export const HANDOVER_ACTIVITIES_LAST_24_HOURS = `
SELECT
  a.title,
  a.description,
  a.metadata->>'priority' AS priority,
  a.metadata->>'channel' AS channel,
  c.name AS contact_name,
  c.phone,
  a.created_at
FROM activities a
JOIN contacts c ON c.id = a.contact_id
WHERE a.type = 'support_request'
  AND a.created_at >= NOW() - INTERVAL '24 hours'
ORDER BY a.created_at DESC`;
