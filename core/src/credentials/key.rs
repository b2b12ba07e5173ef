//! The object key of an upload link, from what the caller names.

use crate::{Error, Result};

/// S3's limit on a key's length, in bytes.
const MAX_KEY_BYTES: usize = 1024;

/// `<prefix>/<fileName>` (prefix `uploads` when none is given, as in data.all), checked so the
/// link can only ever write a plain object of the dataset's own bucket: no `.` or `..`
/// segments, no empty segments or leading `/`, no backslashes, no control characters, and no
/// URL-looking names (an `s3://other-bucket/…` is refused, not quietly turned into a key).
pub fn upload_key(prefix: Option<&str>, file_name: Option<&str>) -> Result<String> {
    let file_name =
        file_name.map(str::trim).filter(|f| !f.is_empty()).ok_or_else(|| Error::required("fileName"))?;
    let prefix = prefix.map(str::trim).filter(|p| !p.is_empty()).unwrap_or("uploads");
    let prefix = prefix.strip_suffix('/').unwrap_or(prefix);
    check("prefix", prefix)?;
    check("fileName", file_name)?;
    let key = format!("{prefix}/{file_name}");
    if key.len() > MAX_KEY_BYTES {
        return Err(Error::validation(
            "fileName",
            format!("the object key is longer than S3's {MAX_KEY_BYTES} bytes"),
        ));
    }
    Ok(key)
}

fn check(field: &str, value: &str) -> Result<()> {
    let refuse = |why: &str| {
        Err(Error::validation(field, format!("{value:?} {why}; name a path inside the dataset's bucket")))
    };
    if value.contains("://") {
        return refuse("is a URL, not a path");
    }
    if value.chars().any(|c| c.is_control() || c == '\\') {
        return refuse("holds a backslash or a control character");
    }
    if value.starts_with('/') {
        return refuse("starts with /");
    }
    if value.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
        return refuse("holds an empty, . or .. segment");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: Result<String>) -> String {
        match r {
            Err(Error::Validation { field, .. }) | Err(Error::Required { field }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_key_is_the_prefix_and_the_file_name() {
        assert_eq!(upload_key(None, Some("a.csv")).expect("ok"), "uploads/a.csv");
        assert_eq!(upload_key(Some("raw/2026/"), Some("a.csv")).expect("ok"), "raw/2026/a.csv");
        assert_eq!(upload_key(Some("raw"), Some("sub/a b.csv")).expect("ok"), "raw/sub/a b.csv");
    }

    #[test]
    fn paths_that_leave_the_prefix_or_the_bucket_are_refused() {
        assert_eq!(field(upload_key(None, Some("../secret"))), "fileName");
        assert_eq!(field(upload_key(None, Some("a/../../b"))), "fileName");
        assert_eq!(field(upload_key(Some(".."), Some("a"))), "prefix");
        assert_eq!(field(upload_key(Some("/etc"), Some("a"))), "prefix");
        assert_eq!(field(upload_key(Some("s3://other-bucket"), Some("a"))), "prefix");
        assert_eq!(field(upload_key(None, Some("s3://other-bucket/a"))), "fileName");
        assert_eq!(field(upload_key(None, Some("a\\..\\b"))), "fileName");
        assert_eq!(field(upload_key(None, Some("a//b"))), "fileName");
        assert_eq!(field(upload_key(None, Some("a\nb"))), "fileName");
        assert_eq!(field(upload_key(None, None)), "fileName");
        assert_eq!(field(upload_key(None, Some(&"x".repeat(1100)))), "fileName");
    }
}
