//! The one error type every scenario problem is reported as.
//!
//! Authors edit scenario files by hand, so every error points at a line and column in the file and
//! names the dotted key path, in the `file:line:col:` form editors and terminals make clickable.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub file: PathBuf,
    /// 1-based; 0 when the problem has no position (the file could not be read).
    pub line: usize,
    /// 1-based, counted in characters; 0 when `line` is 0.
    pub column: usize,
    /// Dotted key path such as `agents[2].wake_interval` (array indices 0-based); empty for TOML
    /// syntax errors, which happen before there are keys to name.
    pub field: String,
    /// What was expected and what was found.
    pub message: String,
}

impl ScenarioError {
    pub(crate) fn io(file: &Path, err: &std::io::Error) -> Self {
        ScenarioError {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            field: String::new(),
            message: format!("cannot read the scenario file: {err}"),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        f.write_str(": ")?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// The source being read, so any part of the loader can turn a byte span into an error.
pub(crate) struct Source<'a> {
    pub text: &'a str,
    pub path: &'a Path,
}

impl Source<'_> {
    pub fn error(
        &self,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> ScenarioError {
        let (line, column) = line_col(self.text, span.start);
        ScenarioError {
            file: self.path.to_path_buf(),
            line,
            column,
            field: field.into(),
            message: message.into(),
        }
    }
}

/// 1-based line and character column of a byte offset; offsets past the end or inside a
/// multi-byte character are clamped rather than trusted.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let text = "a = 1\nbb = 2\nµ = 3";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (1, 5));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 11), (2, 6));
        let mu = text.find('µ').unwrap();
        assert_eq!(line_col(text, mu + 2), (3, 2));
        assert_eq!(line_col(text, mu + 1), (3, 1), "inside a character");
        assert_eq!(line_col(text, 999), (3, 6), "past the end");
    }

    #[test]
    fn display_forms() {
        let mut e = ScenarioError {
            file: "scenarios/x.toml".into(),
            line: 12,
            column: 5,
            field: "market.tick_size".into(),
            message: "expected a positive number, got -0.01".into(),
        };
        assert_eq!(
            e.to_string(),
            "scenarios/x.toml:12:5: market.tick_size: expected a positive number, got -0.01"
        );
        e.field.clear();
        assert_eq!(
            e.to_string(),
            "scenarios/x.toml:12:5: expected a positive number, got -0.01"
        );
        let io = ScenarioError::io(Path::new("nope.toml"), &std::io::Error::other("gone"));
        assert_eq!(
            io.to_string(),
            "nope.toml: cannot read the scenario file: gone"
        );
    }
}
