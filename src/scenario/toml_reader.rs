//! A reader over a parsed TOML table that records every problem (with its line and column)
//! instead of stopping at the first, and flags unknown keys with a "did you mean".
//!
//! Hand-written on top of `toml::de::DeTable` because serde's derive stops at the first error
//! and `deny_unknown_fields` suggests nothing; a dispatcher wants the whole list at once.

use std::cell::RefCell;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::problems::{Column, Problems, did_you_mean, line_col};

/// The text of one TOML file and the problems found in it.
pub struct Doc<'t> {
    pub file: &'t Path,
    pub text: &'t str,
    pub problems: RefCell<Problems>,
}

impl<'t> Doc<'t> {
    pub fn new(file: &'t Path, text: &'t str) -> Self {
        Doc {
            file,
            text,
            problems: RefCell::new(Problems::default()),
        }
    }

    pub fn report(&self, span: Range<usize>, message: String) {
        let (line, col) = line_col(self.text, span.start);
        self.problems
            .borrow_mut()
            .push(self.file, Some(line), Some(Column::Char(col)), message);
    }
}

/// One TOML table being read: `name` is how messages call it (`[[vehicle_types]] #2`).
pub struct Table<'d, 't, 'i> {
    pub doc: &'d Doc<'t>,
    pub name: String,
    pub span: Range<usize>,
    table: &'d DeTable<'i>,
    known: RefCell<Vec<&'static str>>,
}

impl<'d, 't, 'i> Table<'d, 't, 'i> {
    pub fn new(doc: &'d Doc<'t>, name: String, span: Range<usize>, table: &'d DeTable<'i>) -> Self {
        Table {
            doc,
            name,
            span,
            table,
            known: RefCell::new(Vec::new()),
        }
    }

    fn lookup(&self, key: &'static str) -> Option<&'d Spanned<DeValue<'i>>> {
        self.known.borrow_mut().push(key);
        self.table.get(key)
    }

    fn missing(&self, key: &str, what: &str) {
        self.doc.report(
            self.span.clone(),
            format!(
                "{}: `{key}` is missing: add `{key} = ...` ({what})",
                self.name
            ),
        );
    }

    fn wrong_type(&self, key: &str, v: &Spanned<DeValue<'i>>, what: &str) {
        self.doc.report(
            v.span(),
            format!(
                "{}: `{key}` must be {what}, not {} `{}`",
                self.name,
                v.get_ref().type_str(),
                value_text(self.doc.text, v.span())
            ),
        );
    }

    /// A value that parsed but is not acceptable: `why` says what is expected.
    pub fn bad_value(&self, key: &str, v: &Spanned<DeValue<'i>>, why: &str) {
        self.doc.report(
            v.span(),
            format!(
                "{}: `{key} = {}`: {why}",
                self.name,
                value_text(self.doc.text, v.span())
            ),
        );
    }

    pub fn opt_str(&self, key: &'static str) -> Option<(String, &'d Spanned<DeValue<'i>>)> {
        let v = self.lookup(key)?;
        match v.get_ref().as_str() {
            Some(s) => Some((s.to_string(), v)),
            None => {
                self.wrong_type(key, v, "a string in quotes");
                None
            }
        }
    }

    pub fn req_str(
        &self,
        key: &'static str,
        what: &str,
    ) -> Option<(String, &'d Spanned<DeValue<'i>>)> {
        if self.table.get(key).is_none() {
            self.missing(key, what);
        }
        self.opt_str(key)
    }

    /// A number (integer or float) within `[min, max]`.
    pub fn opt_num(&self, key: &'static str, min: f64, max: f64, unit: &str) -> Option<f64> {
        let v = self.lookup(key)?;
        let x = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|i| i as f64),
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            _ => {
                self.wrong_type(key, v, &format!("a number ({unit})"));
                return None;
            }
        };
        match x {
            Some(x) if x.is_finite() && x >= min && x <= max => Some(x),
            _ => {
                self.bad_value(
                    key,
                    v,
                    &format!("must be a number from {min} to {max} ({unit})"),
                );
                None
            }
        }
    }

    pub fn req_num(&self, key: &'static str, min: f64, max: f64, unit: &str) -> Option<f64> {
        if self.table.get(key).is_none() {
            self.missing(key, unit);
        }
        self.opt_num(key, min, max, unit)
    }

    pub fn opt_bool(&self, key: &'static str) -> Option<bool> {
        let v = self.lookup(key)?;
        match v.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong_type(key, v, "true or false");
                None
            }
        }
    }

    /// An array of strings (a single string is accepted as a one-element array).
    pub fn opt_str_list(
        &self,
        key: &'static str,
    ) -> Option<Vec<(String, &'d Spanned<DeValue<'i>>)>> {
        let v = self.lookup(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(vec![(s.to_string(), v)]),
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref().as_str() {
                        Some(s) => out.push((s.to_string(), item)),
                        None => self.wrong_type(key, item, "a list of strings in quotes"),
                    }
                }
                Some(out)
            }
            _ => {
                self.wrong_type(key, v, "a list of strings, e.g. [\"a\", \"b\"]");
                None
            }
        }
    }

    pub fn req_str_list(
        &self,
        key: &'static str,
        what: &str,
    ) -> Option<Vec<(String, &'d Spanned<DeValue<'i>>)>> {
        if self.table.get(key).is_none() {
            self.missing(key, what);
        }
        self.opt_str_list(key)
    }

    /// An array of numbers.
    pub fn opt_num_list(&self, key: &'static str) -> Option<(Vec<f64>, &'d Spanned<DeValue<'i>>)> {
        let v = self.lookup(key)?;
        let Some(items) = v.get_ref().as_array() else {
            self.wrong_type(key, v, "a list of numbers");
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let x = match item.get_ref() {
                DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                    .ok()
                    .map(|i| i as f64),
                DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
                _ => {
                    self.wrong_type(key, item, "a number");
                    return None;
                }
            };
            // An integer too large for 64 bits used to drop the whole list without a word.
            match x {
                Some(x) => out.push(x),
                None => {
                    self.bad_value(key, item, "is not a number this program can read");
                    return None;
                }
            }
        }
        Some((out, v))
    }

    /// A sub-table (`[settings]`), or `None` when absent.
    pub fn opt_table(&self, key: &'static str) -> Option<Table<'d, 't, 'i>> {
        let v = self.lookup(key)?;
        match v.get_ref().as_table() {
            Some(t) => Some(Table::new(self.doc, format!("[{key}]"), v.span(), t)),
            None => {
                self.wrong_type(key, v, "a table ([section])");
                None
            }
        }
    }

    /// An array of tables (`[[depots]]`), each named `[[key]] #n`.
    pub fn table_array(&self, key: &'static str) -> Vec<Table<'d, 't, 'i>> {
        let Some(v) = self.lookup(key) else {
            return Vec::new();
        };
        let Some(items) = v.get_ref().as_array() else {
            self.wrong_type(key, v, &format!("a list of [[{key}]] tables"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.get_ref().as_table() {
                Some(t) => out.push(Table::new(
                    self.doc,
                    format!("[[{key}]] #{}", i + 1),
                    item.span(),
                    t,
                )),
                None => self.wrong_type(key, item, "a table"),
            }
        }
        out
    }

    /// Reports every key of the table that no getter asked for. Call after reading all keys.
    pub fn finish(&self) {
        let known = self.known.borrow();
        for (k, _) in self.table.iter() {
            let key: &str = k.get_ref();
            if !known.contains(&key) {
                self.doc.report(
                    k.span(),
                    format!(
                        "{}: unknown key `{key}`{}; the keys here are: {}",
                        self.name,
                        did_you_mean(key, known.iter().copied()),
                        known.join(", ")
                    ),
                );
            }
        }
    }
}

fn value_text(text: &str, span: Range<usize>) -> &str {
    let s = text.get(span).unwrap_or("?");
    if s.len() > 60 {
        s.get(..60).unwrap_or(s)
    } else {
        s
    }
}
