//! Highlights for engines without a highlighter that understands typos (Tantivy's snippet
//! generator sees only exact terms): the first passage, in field order, holding a word that
//! matches a query term as the search does, exactly or within the term's edit distance.

use sluice_core::catalog::{HIGHLIGHT_CHARS, edit_distance_for};

/// Words of `text` as (byte start, byte end), split as the engines tokenize.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = vec![];
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Whether `a` becomes `b` with at most one substitution, insertion, deletion, or swap of
/// neighbours.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    match long.len() - short.len() {
        0 => {
            let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diffs.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
                _ => false,
            }
        }
        1 => {
            let prefix = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
            short[prefix..] == long[prefix + 1..]
        }
        _ => false,
    }
}

fn matches(word: &str, terms: &[String]) -> bool {
    let word = word.to_lowercase();
    terms.iter().any(|t| *t == word || (edit_distance_for(t) >= 1 && within_one_edit(t, &word)))
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
}

/// The first field's passage around its first match, HTML-escaped, matched words in
/// `<em>…</em>`; None when no field has a match.
pub fn highlight(fields: &[&str], terms: &[String]) -> Option<String> {
    if terms.is_empty() {
        return None;
    }
    for text in fields {
        let words = words(text);
        let hits: Vec<&(usize, usize)> =
            words.iter().filter(|(s, e)| matches(&text[*s..*e], terms)).collect();
        let Some(first) = hits.first() else { continue };
        // Some context before the match, starting at a word.
        let start = words
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| *s <= first.0 && first.0 - s <= HIGHLIGHT_CHARS / 4)
            .min()
            .unwrap_or(first.0);
        let end = words
            .iter()
            .map(|(_, e)| *e)
            .filter(|e| *e > first.0 && text[start..*e].chars().count() <= HIGHLIGHT_CHARS)
            .max()
            .unwrap_or(first.1);
        let mut out = String::new();
        let mut at = start;
        for (s, e) in hits.into_iter().filter(|(s, e)| *s >= start && *e <= end) {
            escape(&text[at..*s], &mut out);
            out.push_str("<em>");
            escape(&text[*s..*e], &mut out);
            out.push_str("</em>");
            at = *e;
        }
        escape(&text[at..end], &mut out);
        return Some(out);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn one_edit_of_any_kind_and_no_more() {
        for (a, b) in
            [("loyalty", "loyalti"), ("carriers", "carrirs"), ("parcels", "parcells"), ("form", "from")]
        {
            assert!(within_one_edit(a, b), "{a} {b}");
            assert!(within_one_edit(b, a), "{b} {a}");
        }
        for (a, b) in [("loyalty", "lyoalti"), ("abc", "cab"), ("ab", "abcd")] {
            assert!(!within_one_edit(a, b), "{a} {b}");
        }
    }

    #[test]
    fn the_first_field_with_a_match_is_highlighted_and_escaped() {
        let fields = ["nothing here", "Billing <address> & loyalty tier"];
        let got = highlight(&fields, &terms(&["loyalti"])).expect("a match");
        assert_eq!(got, "Billing &lt;address&gt; &amp; <em>loyalty</em> tier");
        assert_eq!(highlight(&fields, &terms(&["zeppelin"])), None);
        assert_eq!(highlight(&fields, &[]), None);
    }

    #[test]
    fn short_terms_match_exactly_only() {
        assert_eq!(highlight(&["id is key"], &terms(&["id"])).as_deref(), Some("<em>id</em> is key"));
        assert_eq!(highlight(&["is key"], &terms(&["id"])), None);
    }

    #[test]
    fn long_text_is_cut_to_a_passage_around_the_match() {
        let text = format!("{} needle {}", "hay ".repeat(100), "straw ".repeat(100));
        let got = highlight(&[&text], &terms(&["needle"])).expect("a match");
        assert!(got.contains("<em>needle</em>"));
        assert!(got.chars().count() <= HIGHLIGHT_CHARS + 9, "{}", got.len());
        assert!(got.starts_with("hay"), "{got}");
    }
}
