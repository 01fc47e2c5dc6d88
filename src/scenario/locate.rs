//! Turning toml's errors (a message plus a byte span) into [`ScenarioError`]s with a key path.
//!
//! toml reports where a problem is but not which key it belongs to, so the key path is recovered
//! by finding the span in the parsed document tree, which keeps a span for every key and value.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{ScenarioError, Source};

impl Source<'_> {
    /// `root` is the parsed document when there is one (there is none for syntax errors).
    pub fn toml_error(&self, root: Option<&DeTable>, err: &toml::de::Error) -> ScenarioError {
        let span = err.span().unwrap_or(0..0);
        let raw = err.message().trim_end();
        let (field, message) = if let Some(key) = missing_key(raw) {
            // The span is that of the table lacking the key; name the absent key itself.
            let table = root
                .and_then(|r| path_in_table(r, &span, "", Match::Table))
                .unwrap_or_default();
            let message = if table.is_empty() {
                format!("missing required table [{key}]")
            } else {
                format!("missing required key `{key}`")
            };
            (join(&table, key), message)
        } else {
            let field = root
                .and_then(|r| path_in_table(r, &span, "", Match::Enclosing))
                .unwrap_or_default();
            let message = match raw.strip_prefix("unknown field") {
                Some(rest) => format!("unknown key{rest}"),
                None => plain_types(raw),
            };
            (field, message)
        };
        self.error(span, field, message)
    }
}

/// serde's type words as a scenario author knows them: "invalid type: string \"1000\", expected
/// i64" becomes "expected an integer, got the string \"1000\" (write it without quotes)".
fn plain_types(raw: &str) -> String {
    let Some(rest) = raw.strip_prefix("invalid type: ") else {
        return raw.to_owned();
    };
    let Some((got, expected)) = rest.split_once(", expected ") else {
        return raw.to_owned();
    };
    let expected = match expected {
        "i64" | "u64" | "i32" | "u32" | "usize" => "an integer",
        "f64" | "f32" => "a number",
        "a boolean" | "bool" => "true or false",
        other => other,
    };
    let numeric = matches!(expected, "an integer" | "a number" | "true or false");
    let hint = if got.starts_with("string") && numeric {
        " (write it without quotes)"
    } else {
        ""
    };
    format!("expected {expected}, got {got}{hint}")
}

fn missing_key(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

pub(crate) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

#[derive(Clone, Copy)]
enum Match {
    /// A key or value whose span holds the error span: type errors, unknown keys, bad strings.
    Enclosing,
    /// A table whose span is exactly the error span: the table a required key is missing from.
    Table,
}

impl Match {
    fn hits(self, candidate: &Range<usize>, span: &Range<usize>) -> bool {
        match self {
            Match::Enclosing => candidate.start <= span.start && span.end <= candidate.end,
            Match::Table => candidate == span,
        }
    }
}

/// The deepest key matching `span`. Children are searched before their container because a
/// `[table]` header's span says nothing about the keys below it, and an array of tables shares
/// its span with its first entry.
fn path_in_table(
    table: &DeTable,
    span: &Range<usize>,
    prefix: &str,
    mode: Match,
) -> Option<String> {
    table.iter().find_map(|(key, value)| {
        let path = join(prefix, key.get_ref());
        if matches!(mode, Match::Enclosing) && mode.hits(&key.span(), span) {
            Some(path)
        } else {
            path_in_value(value, span, path, mode)
        }
    })
}

fn path_in_value(
    value: &Spanned<DeValue>,
    span: &Range<usize>,
    path: String,
    mode: Match,
) -> Option<String> {
    let nested = match value.get_ref() {
        DeValue::Table(t) => path_in_table(t, span, &path, mode),
        DeValue::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, v)| path_in_value(v, span, format!("{path}[{i}]"), mode)),
        _ => None,
    };
    nested.or_else(|| mode.hits(&value.span(), span).then_some(path))
}
