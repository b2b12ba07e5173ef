//! Tables for people, JSON for scripts.

use serde_json::Value;

/// Prints `rows` (objects) as a table of `columns` (title, JSON field), or as JSON.
pub fn list(json: bool, rows: &[Value], columns: &[(&str, &str)]) {
    if json {
        println!("{}", serde_json::to_string_pretty(rows).unwrap_or_default());
        return;
    }
    let cells: Vec<Vec<String>> =
        rows.iter().map(|row| columns.iter().map(|(_, field)| cell(lookup(row, field))).collect()).collect();
    let mut widths: Vec<usize> = columns.iter().map(|(title, _)| title.chars().count()).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |values: Vec<String>| {
        let padded: Vec<String> =
            values.iter().zip(&widths).map(|(v, w)| format!("{v:<w$}", w = *w)).collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(columns.iter().map(|(t, _)| (*t).to_owned()).collect());
    for row in cells {
        line(row);
    }
}

/// Prints one object as `field: value` lines, or as JSON.
pub fn one(json: bool, value: &Value, columns: &[(&str, &str)]) {
    if json {
        println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
        return;
    }
    let width = columns.iter().map(|(t, _)| t.chars().count()).max().unwrap_or(0);
    for (title, field) in columns {
        println!("{title:<width$}  {}", cell(lookup(value, field)));
    }
}

/// `a.b.c` paths into nested objects.
fn lookup<'v>(value: &'v Value, path: &str) -> &'v Value {
    path.split('.').fold(value, |v, key| &v[key])
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn cells_read_nested_fields_and_lists() {
        let row = json!({"a": {"b": "x"}, "n": 3, "l": ["p", "q"], "z": null});
        assert_eq!(cell(lookup(&row, "a.b")), "x");
        assert_eq!(cell(lookup(&row, "n")), "3");
        assert_eq!(cell(lookup(&row, "l")), "p,q");
        assert_eq!(cell(lookup(&row, "z")), "-");
        assert_eq!(cell(lookup(&row, "missing.deep")), "-");
    }
}
