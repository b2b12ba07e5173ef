//! Free text (a label, a team name) as each AWS field accepts it. Core refuses control and
//! direction characters in labels; what is left may still be outside a field's alphabet or too
//! long for it, and one such character fails a whole stack deploy. So each field gets the text
//! spelt in its alphabet: a character it cannot take becomes its closest Latin spelling
//! (in IAM, "Łódź" is "Lódz" and "数据" is "Shu Ju"), or is dropped when it has none.

/// IAM role and policy descriptions: at most 1000 characters of printable Latin-1 (with tab
/// and line breaks).
pub fn iam_description(text: &str) -> String {
    let fits = |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{a1}'..='\u{ff}');
    spelt(text, fits).chars().take(1000).collect()
}

/// A template's `Description`: at most 1024 bytes.
pub fn template_description(text: &str) -> String {
    cut_to_bytes(&spelt(text, |c| !c.is_control()), 1024)
}

/// A KMS key's description: at most 8192 characters.
pub fn key_description(text: &str) -> String {
    spelt(text, |c| !c.is_control()).chars().take(8192).collect()
}

/// A Glue database's description: at most 2048 characters of the Basic Multilingual Plane and
/// beyond, without controls other than tab.
pub fn glue_description(text: &str) -> String {
    let fits = |c: char| c == '\t' || (!c.is_control() && !matches!(c, '\u{fffe}' | '\u{ffff}'));
    spelt(text, fits).chars().take(2048).collect()
}

/// Keeps what `fits`, transliterates the rest where the spelling fits, drops what is left.
fn spelt(text: &str, fits: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if fits(c) {
            out.push(c);
        } else if let Some(latin) = deunicode::deunicode_char(c) {
            out.extend(latin.chars().filter(|l| fits(*l) && !l.is_control()));
        }
    }
    out
}

fn cut_to_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let end = (0..=max).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_text_is_latin_1_with_other_scripts_spelt_out() {
        assert_eq!(iam_description("Équipe Łódź"), "Équipe Lódz", "ó is Latin-1, Ł and ź are not");
        assert_eq!(iam_description("数据").trim(), "Shu Ju");
        assert_eq!(iam_description("a\u{7}b\u{202e}c"), "abc", "controls are dropped, never sent");
        assert_eq!(iam_description(&"x".repeat(1200)).len(), 1000);
    }

    #[test]
    fn template_descriptions_keep_unicode_within_1024_bytes() {
        assert_eq!(template_description("Équipe 数据"), "Équipe 数据");
        assert_eq!(template_description("a\u{0}b"), "ab");
        let long = template_description(&"é".repeat(600));
        assert!(long.len() <= 1024 && long.chars().all(|c| c == 'é'), "{}", long.len());
    }

    #[test]
    fn glue_and_kms_descriptions_drop_controls_and_fit() {
        assert_eq!(glue_description("ok\u{1b}[31m\tyes"), "ok[31m\tyes");
        assert_eq!(glue_description(&"y".repeat(3000)).chars().count(), 2048);
        assert_eq!(key_description("k\u{85}ey"), "key");
    }
}
