//! How deep request text nests, measured by one linear pass before anything recursive reads it.
//!
//! async-graphql's parser (pest) recurses once per nested list, input object and selection set,
//! and has no limit on values: 350 nested lists in a 723-byte document overflowed the stack and
//! aborted the whole process, before anyone was authenticated. serde_json stops at 128 levels,
//! but what reads its values afterwards recurses too. So the text is measured first, and only
//! text within the limit is handed to a parser.
//!
//! The scan follows the grammar's tokens closely enough to never count less than the parser
//! would recurse: brackets inside strings, block strings and comments do not nest anything, and
//! everywhere else they count. Where the grammar backtracks (an unterminated block string is
//! read as an empty string and another string) the scan does too.

/// How deep a GraphQL document nests, outside strings and comments.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DocumentNesting {
    /// Lists and input objects inside one another: in arguments, variable types and default
    /// values.
    pub values: usize,
    /// Selection sets inside one another, inline fragments included.
    pub selections: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Paren,
    Value,
    Selection,
}

/// The deepest nesting of values and of selection sets in `text`.
pub fn document_nesting(text: &str) -> DocumentNesting {
    let bytes = text.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let (mut parens, mut values, mut selections) = (0usize, 0usize, 0usize);
    let mut deepest = DocumentNesting::default();
    let mut blocks = BlockStrings::default();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = line_end(bytes, i),
            b'"' if bytes[i..].starts_with(b"\"\"\"") => match blocks.closing(bytes, i + 3) {
                Some(end) => i = end + 3,
                // The grammar then reads `""` as an empty string, and the third quote opens a
                // plain string.
                None => i = plain_string_end(bytes, i + 2),
            },
            b'"' => i = plain_string_end(bytes, i),
            b'(' => {
                open.push(Open::Paren);
                parens += 1;
                i += 1;
            }
            // Inside parentheses (arguments, variable definitions, directive arguments) a brace
            // opens an input object; outside them, a selection set.
            b'[' | b'{' => {
                let kind = if bytes[i] == b'{' && parens == 0 { Open::Selection } else { Open::Value };
                open.push(kind);
                if kind == Open::Value {
                    values += 1;
                    deepest.values = deepest.values.max(values);
                } else {
                    selections += 1;
                    deepest.selections = deepest.selections.max(selections);
                }
                i += 1;
            }
            b')' | b']' | b'}' => {
                // Whatever closes is taken to close the innermost opening: for a well-formed
                // document that is exact, and a malformed one is refused where it breaks.
                match open.pop() {
                    Some(Open::Paren) => parens -= 1,
                    Some(Open::Value) => values -= 1,
                    Some(Open::Selection) => selections -= 1,
                    None => {}
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    deepest
}

/// The deepest nesting of arrays and objects in JSON text, outside strings.
pub fn json_nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// Where a comment starting at `start` ends: at the next line terminator.
fn line_end(bytes: &[u8], start: usize) -> usize {
    bytes[start..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(bytes.len(), |n| start + n)
}

/// Just past a plain string whose opening quote is at `start`. A string cannot span lines: at a
/// line terminator the document is malformed there, and scanning goes on as if the string had
/// ended, which can only count more than the parser would reach.
fn plain_string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return i + 1,
            b'\n' | b'\r' => return i,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Finds where block strings close. Reading one is deterministic from its start, so a read
/// that found no closing quotes marks every position it passed: a later read reaching one of
/// them fails the same way. Without that, a document of many unterminated `"""` would be read
/// to its end once per `"""`.
#[derive(Default)]
struct BlockStrings {
    dead: Vec<bool>,
}

impl BlockStrings {
    /// The position of the `"""` that closes a block string whose content starts at `from`.
    fn closing(&mut self, bytes: &[u8], from: usize) -> Option<usize> {
        let mut passed = Vec::new();
        let mut i = from;
        while i < bytes.len() {
            if self.dead.get(i).copied().unwrap_or(false) {
                break;
            }
            let rest = &bytes[i..];
            if rest.starts_with(b"\"\"\"") {
                return Some(i);
            }
            passed.push(i);
            i += if rest.starts_with(b"\\\"\"\"") { 4 } else { 1 };
        }
        if self.dead.is_empty() {
            self.dead = vec![false; bytes.len()];
        }
        for p in passed {
            self.dead[p] = true;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nesting(text: &str) -> (usize, usize) {
        let n = document_nesting(text);
        (n.values, n.selections)
    }

    #[test]
    fn selections_and_values_are_counted_apart() {
        assert_eq!(nesting("{ a { b { c } } }"), (0, 3));
        assert_eq!(nesting("{ a(x: [[1]], y: {z: {w: [2]}}) { b } }"), (3, 2));
        assert_eq!(nesting("query Q($v: [[Int!]] = [[1]]) @d(a: {b: 1}) { a }"), (2, 1));
        assert_eq!(nesting("{ a { ... on T { b } } }"), (0, 3));
        assert_eq!(nesting("fragment F on T { a(x: [1]) { b } }"), (1, 2));
    }

    #[test]
    fn brackets_in_strings_and_comments_nest_nothing() {
        assert_eq!(nesting(r#"{ a(x: "[[[{{{", y: "\"[[") }"#), (0, 1));
        assert_eq!(nesting("{ a # [[[[ {{{{\n b }"), (0, 1));
        assert_eq!(nesting("{ a(x: \"\"\" [[[ \\\"\"\" [[[ \"\"\") }"), (0, 1));
    }

    #[test]
    fn an_unterminated_block_string_is_read_as_the_parser_reads_it() {
        // The parser takes `""` as an empty string and `" "` as another: the lists are real.
        let text = r#"{ a(x: [""" " [[[1]]]]) }"#;
        assert_eq!(nesting(text), (4, 1));
        async_graphql::parser::parse_query(text).expect("the parser reads it the same way");
        let doc = r#"{ a(x: [""" " [[[1]]]], y: "\"\"\"") }"#;
        assert_eq!(nesting(doc).0, 4);
    }

    #[test]
    fn a_plain_string_ends_at_a_line_break() {
        assert_eq!(nesting("{ a(x: \"open\n[[[1]]]) }"), (3, 1));
    }

    #[test]
    fn many_unterminated_block_strings_are_scanned_in_linear_time() {
        // Every `"""` after the first is escaped, so none closes it; each is tried as an opener.
        let text = format!("{{ a(x: \"\"\"{}) }}", "\\\"\"\" [".repeat(200_000));
        let started = std::time::Instant::now();
        assert_eq!(nesting(&text).1, 1);
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    }

    #[test]
    fn a_hundred_thousand_levels_are_measured_without_recursion() {
        let deep = format!("{{ a(x: {}1{}) }}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(nesting(&deep), (100_000, 1));
        let objects = format!("{{ a(x: {}1{}) }}", "{a:".repeat(100_000), "}".repeat(100_000));
        assert_eq!(nesting(&objects), (100_000, 1));
        let selections = format!("{}{}", "{a".repeat(100_000), "}".repeat(100_000));
        assert_eq!(nesting(&selections), (0, 100_000));
    }

    #[test]
    fn json_nesting_skips_strings_and_escapes() {
        assert_eq!(json_nesting(br#"{"a": [1, {"b": "[[[\"{{"}]}"#), 3);
        assert_eq!(json_nesting(b"[[[[]]]]"), 4);
        assert_eq!(json_nesting(b"\"unterminated [[["), 0);
        assert_eq!(json_nesting("[".repeat(100_000).as_bytes()), 100_000);
    }

    mod never_counts_less_than_the_parser_nests {
        use async_graphql::parser::{
            parse_query,
            types::{ExecutableDocument, Selection, SelectionSet},
        };
        use async_graphql_value::Value;
        use proptest::prelude::*;

        use super::*;

        fn value_depth(value: &Value) -> usize {
            match value {
                Value::List(items) => 1 + items.iter().map(value_depth).max().unwrap_or(0),
                Value::Object(fields) => 1 + fields.values().map(value_depth).max().unwrap_or(0),
                _ => 0,
            }
        }

        /// (values, selection sets) as parsed, fragments not followed.
        fn set_depth(set: &SelectionSet) -> (usize, usize) {
            let mut deepest = (0, 0);
            for item in &set.items {
                let (args, inner) = match &item.node {
                    Selection::Field(f) => (
                        f.node.arguments.iter().map(|(_, v)| value_depth(&v.node)).max().unwrap_or(0),
                        &f.node.selection_set.node,
                    ),
                    Selection::InlineFragment(i) => (0, &i.node.selection_set.node),
                    Selection::FragmentSpread(_) => continue,
                };
                let (values, sets) = if inner.items.is_empty() { (0, 0) } else { set_depth(inner) };
                deepest = (deepest.0.max(args).max(values), deepest.1.max(sets));
            }
            (deepest.0, deepest.1 + 1)
        }

        fn parsed_depth(document: &ExecutableDocument) -> (usize, usize) {
            let sets = document
                .operations
                .iter()
                .map(|(_, op)| &op.node.selection_set.node)
                .chain(document.fragments.values().map(|f| &f.node.selection_set.node));
            sets.map(set_depth).fold((0, 0), |a, b| (a.0.max(b.0), a.1.max(b.1)))
        }

        fn piece() -> impl Strategy<Value = &'static str> {
            prop::sample::select(vec![
                "{",
                "}",
                "[",
                "]",
                "(",
                ")",
                "\"",
                "\"\"\"",
                "\\",
                "#",
                "\n",
                "a",
                "b: ",
                "x: ",
                "1",
                "...",
                "on T",
                "fragment F on T",
                "query",
                ",",
                " ",
                "$v",
                "{a:",
                "\\\"\"\"",
            ])
        }

        /// Values with brackets hidden in strings, block strings and comments around them.
        fn value() -> impl Strategy<Value = String> {
            let leaf = prop::sample::select(vec![
                "1",
                "\"[{\"",
                "\"\\\"[\"",
                "\"\"\"]}{\\\"\"\"[\"\"\"",
                "$v",
                "null",
                "E",
            ])
            .prop_map(str::to_owned);
            leaf.prop_recursive(12, 64, 3, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..3)
                        .prop_map(|items| format!("[{}]", items.join(", "))),
                    prop::collection::vec(inner, 0..3).prop_map(|items| {
                        let fields: Vec<String> =
                            items.iter().enumerate().map(|(i, v)| format!("f{i}: {v}")).collect();
                        format!("{{{}}}", fields.join(" # [{{\n"))
                    }),
                ]
            })
        }

        fn field() -> impl Strategy<Value = String> {
            (prop::option::of(value()), any::<bool>()).prop_map(|(arg, comment)| {
                let arg = arg.map(|v| format!("(x: {v})")).unwrap_or_default();
                format!("a{arg}{}", if comment { " # {[\n" } else { "" })
            })
        }

        fn selection_set() -> impl Strategy<Value = String> {
            field().prop_map(|f| format!("{{ {f} }}")).prop_recursive(12, 64, 3, |inner| {
                (field(), prop::collection::vec(inner, 1..3), any::<bool>()).prop_map(|(f, sets, inline)| {
                    let nested: Vec<String> = sets
                        .iter()
                        .map(|s| if inline { format!("... on T {s}") } else { format!("b {s}") })
                        .collect();
                    format!("{{ {f} {} }}", nested.join(" "))
                })
            })
        }

        fn check(text: &str) -> Result<(), TestCaseError> {
            let scanned = document_nesting(text);
            if let Ok(document) = parse_query(text) {
                let (values, selections) = parsed_depth(&document);
                prop_assert!(
                    values <= scanned.values,
                    "{text:?}: parsed {values}, scanned {}",
                    scanned.values
                );
                prop_assert!(
                    selections <= scanned.selections,
                    "{text:?}: parsed {selections}, scanned {}",
                    scanned.selections
                );
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn on_well_formed_documents(set in selection_set()) {
                prop_assert!(parse_query(&set).is_ok(), "{set:?} should parse");
                check(&set)?;
            }

            #[test]
            fn on_random_documents(pieces in prop::collection::vec(piece(), 0..60)) {
                check(&pieces.concat())?;
            }
        }
    }
}
