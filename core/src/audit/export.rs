//! Exporting the trail for a time range, as CSV or JSON Lines, without holding it: rows are
//! read oldest first in batches of [`EXPORT_BATCH`], each batch after the last row of the one
//! before (a keyset on `(created, activity_uri)`, which `ix_activity_created` serves), so the
//! cost of a batch does not grow with how far the export has gone and only one batch is in
//! memory at a time. The export is not a snapshot: rows written while it runs may appear if they
//! fall in the range and after the cursor.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use sluice_entities::activity;

use super::Activity;
use crate::{Error, Result};

/// Rows read per query.
pub const EXPORT_BATCH: u64 = 1000;

/// An export's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// RFC 4180, with a header line.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

const COLUMNS: [&str; 11] = [
    "created",
    "activityUri",
    "actor",
    "actorKind",
    "actorIssuer",
    "actorPrincipal",
    "action",
    "targetType",
    "targetUri",
    "outcome",
    "summary",
];

impl ExportFormat {
    /// `csv`, or `jsonl` (also `ndjson`).
    pub fn parse(value: &str) -> Result<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "jsonl" | "ndjson" => Ok(Self::JsonLines),
            other => Err(Error::validation("format", format!("{other:?} is not a format; use csv or jsonl"))),
        }
    }

    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::JsonLines => "application/x-ndjson",
        }
    }

    pub const fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::JsonLines => "jsonl",
        }
    }

    /// What the file starts with: CSV's header line; nothing for JSON Lines.
    pub fn header(self) -> String {
        match self {
            Self::Csv => format!("{}\r\n", COLUMNS.join(",")),
            Self::JsonLines => String::new(),
        }
    }

    /// One row, with its line end.
    pub fn line(self, row: &Activity, out: &mut String) {
        let created = row.created.to_rfc3339();
        match self {
            Self::Csv => {
                let fields = [
                    created.as_str(),
                    &row.activity_uri,
                    &row.actor,
                    row.actor_kind.as_str(),
                    row.actor_issuer.as_deref().unwrap_or_default(),
                    row.actor_principal.as_deref().unwrap_or_default(),
                    &row.action,
                    &row.target_type,
                    &row.target_uri,
                    row.outcome.as_str(),
                    &row.summary,
                ];
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    csv_field(field, out);
                }
                out.push_str("\r\n");
            }
            Self::JsonLines => {
                let value = json!({
                    "created": created,
                    "activityUri": row.activity_uri,
                    "actor": row.actor,
                    "actorKind": row.actor_kind.as_str(),
                    "actorIssuer": row.actor_issuer,
                    "actorPrincipal": row.actor_principal,
                    "action": row.action,
                    "targetType": row.target_type,
                    "targetUri": row.target_uri,
                    "outcome": row.outcome.as_str(),
                    "summary": row.summary,
                });
                out.push_str(&value.to_string());
                out.push('\n');
            }
        }
    }
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, with quotes
/// doubled. A field a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a leading `'`: summaries carry labels users chose. JSON Lines
/// carries every value exactly.
fn csv_field(value: &str, out: &mut String) {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = formula || value.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
}

/// An export under way: each [`ActivityExport::next_batch`] reads the next rows.
pub struct ActivityExport {
    db: DatabaseConnection,
    /// What the actor may see, and the filter.
    condition: Condition,
    /// The last row read: the next batch starts after it.
    after: Option<(DateTime<Utc>, String)>,
    done: bool,
}

impl ActivityExport {
    pub(super) fn new(db: DatabaseConnection, condition: Condition) -> Self {
        Self { db, condition, after: None, done: false }
    }

    /// The next rows, oldest first; `None` once every row has been read.
    pub async fn next_batch(&mut self) -> Result<Option<Vec<Activity>>> {
        if self.done {
            return Ok(None);
        }
        let mut query = activity::Entity::find().filter(self.condition.clone());
        if let Some((created, uri)) = &self.after {
            // `created >= c` alone lets the index bound the scan; the rest breaks ties.
            query = query.filter(activity::Column::Created.gte(*created)).filter(
                Condition::any()
                    .add(activity::Column::Created.gt(*created))
                    .add(activity::Column::ActivityUri.gt(uri.clone())),
            );
        }
        let rows = query
            .order_by_asc(activity::Column::Created)
            .order_by_asc(activity::Column::ActivityUri)
            .limit(EXPORT_BATCH)
            .all(&self.db)
            .await?;
        if (rows.len() as u64) < EXPORT_BATCH {
            self.done = true;
        }
        let Some(last) = rows.last() else { return Ok(None) };
        self.after = Some((last.created, last.activity_uri.clone()));
        rows.into_iter().map(Activity::from_model).collect::<Result<Vec<_>>>().map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{ActorKind, Outcome};

    fn row(summary: &str) -> Activity {
        Activity {
            activity_uri: "a1".into(),
            created: DateTime::parse_from_rfc3339("2026-12-08T10:00:00Z").expect("time").with_timezone(&Utc),
            actor: "alice".into(),
            actor_kind: ActorKind::User,
            actor_issuer: Some("https://issuer.test".into()),
            actor_principal: None,
            action: "updateDataset".into(),
            target_type: "dataset".into(),
            target_uri: "d1".into(),
            outcome: Outcome::Denied,
            summary: summary.into(),
        }
    }

    fn csv(summary: &str) -> String {
        let mut out = String::new();
        ExportFormat::Csv.line(&row(summary), &mut out);
        out
    }

    #[test]
    fn csv_quotes_what_needs_it_and_nothing_else() {
        assert!(csv("plain words").ends_with(",denied,plain words\r\n"), "{}", csv("plain words"));
        assert!(csv("a, b").ends_with(",\"a, b\"\r\n"));
        assert!(csv("say \"no\"").ends_with(",\"say \"\"no\"\"\"\r\n"));
        assert!(csv("two\nlines").ends_with(",\"two\nlines\"\r\n"));
        assert_eq!(
            csv("x"),
            "2026-12-08T10:00:00+00:00,a1,alice,user,https://issuer.test,,updateDataset,dataset,d1,denied,x\r\n"
        );
        assert_eq!(ExportFormat::Csv.header().matches(',').count(), COLUMNS.len() - 1);
    }

    #[test]
    fn csv_never_hands_a_spreadsheet_a_formula() {
        assert!(csv("=HYPERLINK(\"http://x\")").ends_with(",\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"));
        assert!(csv("@SUM(A1)").ends_with(",\"'@SUM(A1)\"\r\n"));
        assert!(csv("-1+2").ends_with(",\"'-1+2\"\r\n"));
    }

    #[test]
    fn json_lines_carry_every_value_exactly_one_line_each() {
        let mut out = String::new();
        ExportFormat::JsonLines.line(&row("=line one\nline two"), &mut out);
        assert!(out.ends_with('\n'));
        assert_eq!(out.matches('\n').count(), 1);
        let value: serde_json::Value = serde_json::from_str(out.trim_end()).expect("json");
        assert_eq!(value["summary"], "=line one\nline two");
        assert_eq!(value["actorKind"], "user");
        assert_eq!(value["actorPrincipal"], serde_json::Value::Null);
    }

    #[test]
    fn formats_parse_by_name() {
        assert_eq!(ExportFormat::parse("CSV").expect("csv"), ExportFormat::Csv);
        assert_eq!(ExportFormat::parse("jsonl").expect("jsonl"), ExportFormat::JsonLines);
        assert_eq!(ExportFormat::parse("xlsx").expect_err("no").field(), Some("format"));
    }
}
