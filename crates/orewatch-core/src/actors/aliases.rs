//! The alias table: spellings of other sources (ACLED) mapped to UCDP actors, each cited.
//!
//! Format (TOML, `config/actor_aliases.toml`): a list of `[[alias]]` tables with `name` (the
//! spelling), either `ucdp_id` (a UCDP actor list id) or `actor` (a canonical name for an
//! organisation the list does not have, e.g. MINUSMA), `source` (required, non-empty) and an
//! optional `note`. Unknown keys, a missing `source`, both or neither of `ucdp_id`/`actor`, and
//! a name given twice are errors that name the file, line and column.
//!
//! What it does NOT do: check ids against the actor list (that needs the registry:
//! [`crate::actors::resolve::Resolver::new`] does it and names the entry's line).

use serde::Deserialize;
use thiserror::Error;

use super::registry::normalise;

/// The shipped table (config/actor_aliases.toml).
pub const DEFAULT_ALIASES: &str = include_str!("../../../../config/actor_aliases.toml");

/// Where an alias points.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AliasTarget {
    Ucdp(u32),
    /// An organisation without a UCDP id: kept as its own actor under this canonical name.
    Named(String),
}

/// One entry of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    pub name: String,
    pub target: AliasTarget,
    pub source: String,
    pub note: Option<String>,
    /// 1-based line of the entry's `name` in its file.
    pub line: usize,
}

/// A bad alias file.
#[derive(Debug, Error, PartialEq)]
#[error("{file}:{line}:{column}: {message}")]
pub struct AliasError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    alias: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: toml::Spanned<String>,
    ucdp_id: Option<u32>,
    actor: Option<String>,
    source: Option<String>,
    note: Option<String>,
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |p| before.len() - p - 1)
        + 1;
    (line, column)
}

/// Parses an alias table; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Vec<Alias>, AliasError> {
    let doc: FileDoc = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        AliasError {
            file: file.into(),
            line,
            column,
            message: format!(
                "{}; expected [[alias]] tables with name, ucdp_id or actor, source, note",
                e.message()
            ),
        }
    })?;
    let mut out: Vec<Alias> = Vec::with_capacity(doc.alias.len());
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for e in doc.alias {
        let (line, column) = line_col(text, e.name.span().start);
        let err = |message: String| AliasError {
            file: file.into(),
            line,
            column,
            message,
        };
        let name = e.name.into_inner();
        if name.trim().is_empty() {
            return Err(err(
                "empty alias name: expected the spelling used in the events".into(),
            ));
        }
        let target = match (e.ucdp_id, e.actor) {
            (Some(id), None) => AliasTarget::Ucdp(id),
            (None, Some(actor)) if !actor.trim().is_empty() => {
                AliasTarget::Named(actor.trim().to_string())
            }
            (Some(_), Some(_)) => {
                return Err(err(format!(
                    "alias {name:?} has both ucdp_id and actor: expected exactly one"
                )))
            }
            _ => {
                return Err(err(format!(
                    "alias {name:?} has neither ucdp_id nor actor: expected a UCDP actor id \
                     (ucdp_id = 6716) or a canonical name (actor = \"MINUSMA\")"
                )))
            }
        };
        let source = match e.source {
            Some(s) if !s.trim().is_empty() => s,
            _ => {
                return Err(err(format!(
                    "alias {name:?} has no source: expected source = \"…\" citing where the \
                     spelling and the link come from"
                )))
            }
        };
        let key = normalise(&name);
        if let Some(first) = seen.get(&key) {
            return Err(err(format!(
                "alias {name:?} is given twice (first on line {first}): expected each spelling once"
            )));
        }
        seen.insert(key, line);
        out.push(Alias {
            name,
            target,
            source,
            note: e.note,
            line,
        });
    }
    Ok(out)
}

/// The shipped table, parsed.
pub fn default_aliases() -> Result<Vec<Alias>, AliasError> {
    parse(DEFAULT_ALIASES, "config/actor_aliases.toml")
}
