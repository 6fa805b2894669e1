//! Collects every problem found in the user's files, each with where it is and what to do.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::input::MAX_LISTED;

/// One problem in a user file: where (file, line, column), what (the item and the bad value),
/// and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    /// 1-based column (TOML) or column name (CSV), when it applies.
    pub column: Option<Column>,
    pub message: String,
}

/// Where in a line: a character column (TOML) or a named CSV column.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Char(usize),
    Field(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            match &self.column {
                Some(Column::Char(c)) => write!(f, ":{c}")?,
                Some(Column::Field(name)) => write!(f, " (column {name})")?,
                None => {}
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Problems printed (see [`MAX_LISTED`]).
const SHOWN: usize = MAX_LISTED;

/// Problems kept in memory (enough to sort by file and line and show [`SHOWN`]); past this
/// they are only counted, so a file of millions of bad rows costs no more than one of a
/// thousand.
const KEPT: usize = 1000;

/// Every problem found while reading a scenario, in file order: the first ones kept, the rest
/// counted (the second field).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Problems(pub Vec<Problem>, usize);

impl Problems {
    pub fn push(
        &mut self,
        file: &Path,
        line: Option<usize>,
        column: Option<Column>,
        message: String,
    ) {
        if self.0.len() >= KEPT {
            self.1 += 1;
            return;
        }
        self.0.push(Problem {
            file: file.to_path_buf(),
            line,
            column,
            message,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every problem found, also those only counted.
    pub fn len(&self) -> usize {
        self.0.len() + self.1
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.len();
        writeln!(
            f,
            "{n} problem{} in the scenario:",
            if n == 1 { "" } else { "s" }
        )?;
        for p in self.0.iter().take(SHOWN) {
            writeln!(f, "  {p}")?;
        }
        if n > SHOWN {
            let more = n - SHOWN;
            writeln!(
                f,
                "  ... and {more} more problem{} (fix these and run again)",
                if more == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

/// " (did you mean `x`?)" when a known name is close to the unknown one, else "".
pub fn did_you_mean<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let best = known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(unknown, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, k)) => format!(" (did you mean `{k}`?)"),
        None => String::new(),
    }
}

/// 1-based (line, column) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_close_key() {
        assert_eq!(
            did_you_mean("capacty_t", ["capacity_t", "count"]),
            " (did you mean `capacity_t`?)"
        );
        assert_eq!(did_you_mean("zzz", ["capacity_t", "count"]), "");
    }

    #[test]
    fn finds_line_and_column_of_an_offset() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 11), (2, 6));
    }

    #[test]
    fn prints_file_line_and_column() {
        let mut p = Problems::default();
        p.push(
            Path::new("s.toml"),
            Some(3),
            Some(Column::Char(7)),
            "bad".into(),
        );
        p.push(
            Path::new("p.csv"),
            Some(2),
            Some(Column::Field("lon".into())),
            "worse".into(),
        );
        let text = p.to_string();
        assert!(text.contains("s.toml:3:7: bad"), "{text}");
        assert!(text.contains("p.csv:2 (column lon): worse"), "{text}");
        assert!(text.starts_with("2 problems"), "{text}");
    }

    #[test]
    fn lists_a_hundred_and_counts_the_rest() {
        let mut p = Problems::default();
        for i in 0..5000 {
            p.push(Path::new("p.csv"), Some(i + 2), None, format!("bad {i}"));
        }
        assert_eq!(p.len(), 5000);
        assert_eq!(p.0.len(), KEPT);
        let text = p.to_string();
        assert!(text.starts_with("5000 problems"), "{text}");
        assert_eq!(text.lines().filter(|l| l.contains(": bad ")).count(), SHOWN);
        assert!(text.contains("... and 4900 more problems"), "{text}");
    }
}
