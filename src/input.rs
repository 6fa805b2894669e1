//! A user's file -> its bytes, read with a size limit: a folder, a file far larger than any
//! real one, or a device or pipe that never ends (`/dev/zero`) is refused with a clear reason
//! instead of filling memory or hanging.

use std::io::Read;
use std::path::Path;

/// Problems of one input an error message lists; the rest are counted ("... and N more
/// problems"). Past a hundred a user fixes the first ones and runs again: a longer list only
/// hides the cause (often one mistake repeated on every row) and can be millions of lines.
pub const MAX_LISTED: usize = 100;

/// `items` one per line after `indent`, at most [`MAX_LISTED`] of them, then how many more.
pub fn listed<T: std::fmt::Display>(items: &[T], indent: &str) -> String {
    let mut out: Vec<String> = items
        .iter()
        .take(MAX_LISTED)
        .map(|p| format!("{indent}{p}"))
        .collect();
    if items.len() > MAX_LISTED {
        let more = items.len() - MAX_LISTED;
        out.push(format!(
            "{indent}... and {more} more problem{}",
            if more == 1 { "" } else { "s" }
        ));
    }
    out.join("\n")
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("is a folder, not a file")]
    Folder,
    /// More than `max` bytes (checked before reading for a regular file, while reading for a
    /// device or a pipe).
    #[error("is larger than {} MiB", max >> 20)]
    TooBig { max: u64 },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Reads at most `max` bytes of `path`; more is [`InputError::TooBig`].
pub fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, InputError> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(InputError::Folder);
    }
    if meta.is_file() && meta.len() > max {
        return Err(InputError::TooBig { max });
    }
    let mut bytes = Vec::with_capacity(if meta.is_file() {
        meta.len() as usize
    } else {
        0
    });
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(InputError::TooBig { max });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_at_most_a_hundred() {
        let items: Vec<usize> = (0..250).collect();
        let text = listed(&items, "  ");
        assert_eq!(text.lines().count(), MAX_LISTED + 1);
        assert!(text.ends_with("  ... and 150 more problems"), "{text}");
        assert_eq!(listed(&[1, 2], "- "), "- 1\n- 2");
    }

    #[test]
    fn refuses_folders_large_files_and_endless_devices() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_limited(dir.path(), 10),
            Err(InputError::Folder)
        ));
        let f = dir.path().join("f.txt");
        std::fs::write(&f, b"0123456789").unwrap();
        assert_eq!(read_limited(&f, 10).unwrap(), b"0123456789");
        assert!(matches!(
            read_limited(&f, 9),
            Err(InputError::TooBig { max: 9 })
        ));
        if Path::new("/dev/zero").exists() {
            assert!(matches!(
                read_limited(Path::new("/dev/zero"), 1 << 20),
                Err(InputError::TooBig { .. })
            ));
        }
        assert!(matches!(
            read_limited(&dir.path().join("none"), 10),
            Err(InputError::Io(_))
        ));
    }
}
