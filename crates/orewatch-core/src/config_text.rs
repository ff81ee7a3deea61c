//! Reading a user's configuration file whole — rules (`--rules`), supply inputs (`--inputs`),
//! actor aliases (`--aliases`), scenario files and JSON requests: refused beyond a named size
//! limit (read no further than it), refused when not UTF-8, before anything else is done.
//!
//! Inputs: a path, the limit in bytes and what the file is (for the message). Output: the
//! text, or [`ConfigTextError`] naming the file (`PATH: …`, or `PATH:LINE:COL: …` for the
//! first byte that is not UTF-8).

use std::io::Read;
use std::path::Path;

/// The limit for a configuration file read whole (rules, supply inputs, alias tables,
/// requests): 1 MiB, hundreds of times the shipped files.
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;

/// Why a configuration file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigTextError {
    #[error("{path}: cannot read the {what}: {source}")]
    Io {
        path: String,
        what: String,
        source: std::io::Error,
    },
    #[error("{path}: the {what} is larger than {limit} bytes, the limit for it; cut it down or split it")]
    TooLarge {
        path: String,
        what: String,
        limit: usize,
    },
    #[error("{path}:{line}:{column}: the {what} is not UTF-8 text: save it as UTF-8")]
    NotUtf8 {
        path: String,
        what: String,
        line: usize,
        column: usize,
    },
}

/// Reads `path` whole as UTF-8 text of at most `limit` bytes; `what` names the file in errors
/// ("rules file", "supply inputs file", …).
pub fn read_limited(path: &Path, limit: usize, what: &str) -> Result<String, ConfigTextError> {
    let shown = path.display().to_string();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes))
        .map_err(|source| ConfigTextError::Io {
            path: shown.clone(),
            what: what.to_string(),
            source,
        })?;
    if bytes.len() > limit {
        return Err(ConfigTextError::TooLarge {
            path: shown,
            what: what.to_string(),
            limit,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let (line, column) = line_col(&text, valid);
        ConfigTextError::NotUtf8 {
            path: shown,
            what: what.to_string(),
            line,
            column,
        }
    })
}

/// Reads a configuration file with [`MAX_CONFIG_BYTES`].
pub fn read_config(path: &Path, what: &str) -> Result<String, ConfigTextError> {
    read_limited(path, MAX_CONFIG_BYTES, what)
}

/// The 1-based line and column (in characters) of byte `offset` of `text` (an offset past
/// the end or inside a character is moved back to the character's start).
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_limit_encoding_and_line_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rules.toml");
        // 10 bytes: within a limit of 10, over a limit of 9.
        std::fs::write(&path, "a = 1\nb=2\n").unwrap();
        assert_eq!(
            read_limited(&path, 10, "rules file").unwrap(),
            "a = 1\nb=2\n"
        );
        let e = read_limited(&path, 9, "rules file")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!(
                "{}: the rules file is larger than 9 bytes, the limit for it; cut it down or split it",
                path.display()
            )
        );
        // Byte 0xFC (Latin-1 ü) at line 2, column 4 ("b =" before it).
        std::fs::write(&path, b"a = 1\nb =\xfc\n").unwrap();
        let e = read_config(&path, "rules file").unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}:2:4: ", path.display())), "{e}");
        let e = read_config(&dir.path().join("missing.toml"), "rules file").unwrap_err();
        assert!(matches!(e, ConfigTextError::Io { .. }));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
