// The three monitoring queries of the WhatsApp source document, over support_tickets, as plain SQL a
// team runs in psql or a BI tool (README "Ticket analytics"); the test runs these very strings. The
// document itself was not available in this workplace: the queries are written from its description
// (escalation rate by category, average response time by priority, sentiment with resolution rate)
// against the document's column names, which support_tickets keeps.

export const ESCALATION_RATE_BY_CATEGORY = `
SELECT
  COALESCE(escalation_category, 'uncategorized') AS escalation_category,
  COUNT(*) AS total_escalations,
  ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) AS escalation_percentage
FROM support_tickets
WHERE created_at >= NOW() - INTERVAL '30 days'
GROUP BY COALESCE(escalation_category, 'uncategorized')
ORDER BY total_escalations DESC, escalation_category`;

export const AVG_RESPONSE_TIME_BY_PRIORITY = `
SELECT
  priority,
  COUNT(*) AS total_tickets,
  ROUND(AVG(EXTRACT(EPOCH FROM (first_response_at - created_at)) / 60)::numeric, 1) AS avg_response_minutes,
  ROUND(AVG(EXTRACT(EPOCH FROM (resolved_at - created_at)) / 3600)::numeric, 2) AS avg_resolution_hours
FROM support_tickets
WHERE first_response_at IS NOT NULL
GROUP BY priority
ORDER BY CASE priority WHEN 'urgent' THEN 1 WHEN 'high' THEN 2 WHEN 'medium' THEN 3 ELSE 4 END`;

export const SENTIMENT_RESOLUTION_RATE = `
SELECT
  COALESCE(bot_detected_sentiment, 'unknown') AS bot_detected_sentiment,
  COUNT(*) AS total_tickets,
  COUNT(*) FILTER (WHERE status IN ('resolved', 'closed')) AS resolved_tickets,
  ROUND(100.0 * COUNT(*) FILTER (WHERE status IN ('resolved', 'closed')) / COUNT(*), 2) AS resolution_rate
FROM support_tickets
GROUP BY COALESCE(bot_detected_sentiment, 'unknown')
ORDER BY total_tickets DESC, bot_detected_sentiment`;
