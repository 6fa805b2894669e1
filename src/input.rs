//! A user's file -> its bytes, read with a size limit: a folder, a file far larger than any
//! real one, or a device or pipe that never ends (`/dev/zero`) is refused with a clear reason
//! instead of filling memory or hanging.

use std::io::Read;
use std::path::Path;

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
