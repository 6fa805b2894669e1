//! Writing one file on the user's disk without ever losing theirs: the file is written beside
//! its target and renamed into place (a reader or a killed run never sees half a file), it is
//! never one of the command's inputs, and an existing file is replaced only when it is the same
//! kind of file that wasteroute writes (a matrix CSV, a PBF that names wasteroute as its
//! writer, a benchmark solution). Files get the usual permissions (0666 less the umask), not
//! the 0600 of a temporary file. Output folders (`plan`, `render`) are handled by
//! `output::OutputDir`, which builds on the helpers here.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What can go wrong before or while writing one output file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error(
        "{path} is also an input of this command ({what}): writing there would destroy it; \
         choose another output path"
    )]
    IsInput { path: PathBuf, what: String },

    #[error(
        "{path} exists and is not {kind} written by wasteroute: it is left as it is; choose \
         another output path, or move the file away yourself if it may be replaced"
    )]
    NotOurs { path: PathBuf, kind: &'static str },

    #[error("{path} is a folder: give the path of a file to write")]
    IsFolder { path: PathBuf },

    #[error("cannot write {path}: {source} (choose a place you can write to)")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The kinds of single files wasteroute writes, each with a way to recognise an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `matrix --out`: starts with the header `from_id,to_id,distance_m,time_s`.
    MatrixCsv,
    /// `demo-map --out`: an OSM PBF whose header block names `wasteroute` as writing program.
    OsmPbf,
    /// `bench --sol-dir`: a solution (`Route #1: ...`) or a Kim plan (JSON).
    Solution,
    /// `plan --write-days`: a day instance (JSON whose first field is its format).
    DayInstance,
    /// `bench days --csv`: one row per run.
    BenchCsv,
}

impl FileKind {
    fn label(self) -> &'static str {
        match self {
            FileKind::MatrixCsv => "a travel matrix",
            FileKind::OsmPbf => "a road map",
            FileKind::Solution => "a benchmark solution",
            FileKind::DayInstance => "a day instance",
            FileKind::BenchCsv => "a bench days table",
        }
    }

    /// Whether the first bytes of an existing file show it is one of ours.
    fn recognises(self, head: &[u8]) -> bool {
        let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        match self {
            FileKind::MatrixCsv => head.starts_with(b"from_id,to_id,distance_m,time_s\n"),
            // The PBF header blob is small and comes first; our writer puts its name there.
            FileKind::OsmPbf => has(b"OSMHeader") && has(b"wasteroute"),
            FileKind::Solution => {
                head.starts_with(b"Route #") || (head.starts_with(b"{") && has(b"\"routes\""))
            }
            FileKind::DayInstance => head.starts_with(b"{\n  \"format\": \"wasteroute-day-"),
            FileKind::BenchCsv => head.starts_with(b"instance,variant,seed,cost,"),
        }
    }
}

/// Whether two paths name the same existing file (or folder).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Checks, before any work, that `path` may be written as `kind`: not a folder, not one of
/// `inputs` (each with a word for the message, e.g. `("the map", path)`), and absent or an
/// earlier file of the same kind. [`write_atomic`] checks again just before its rename.
pub fn check_target(
    path: &Path,
    kind: FileKind,
    inputs: &[(&str, &Path)],
) -> Result<(), FileError> {
    for (what, input) in inputs {
        if same_file(path, input) {
            return Err(FileError::IsInput {
                path: path.to_path_buf(),
                what: (*what).to_string(),
            });
        }
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(FileError::Write {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if meta.is_dir() {
        return Err(FileError::IsFolder {
            path: path.to_path_buf(),
        });
    }
    let mut head = Vec::with_capacity(256);
    let read = std::fs::File::open(path).and_then(|f| f.take(256).read_to_end(&mut head));
    if read.is_err() || !kind.recognises(&head) {
        return Err(FileError::NotOurs {
            path: path.to_path_buf(),
            kind: kind.label(),
        });
    }
    Ok(())
}

/// Writes a file through `write` into a temporary file beside `path`, then renames it into
/// place after checking the target again ([`check_target`]). On any error the temporary file is
/// removed and `path` is as it was.
pub fn write_atomic(
    path: &Path,
    kind: FileKind,
    inputs: &[(&str, &Path)],
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), FileError> {
    check_target(path, kind, inputs)?;
    let err = |source| FileError::Write {
        path: path.to_path_buf(),
        source,
    };
    let tmp = temp_beside(path).map_err(err)?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file());
        write(&mut w).and_then(|_| w.flush()).map_err(err)?;
    }
    // The target may have changed during a long run (the user put a file there).
    check_target(path, kind, inputs)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// A temporary file in `path`'s folder, named after it and this process
/// (`.NAME.tmp-PID-XXXXXX`), with the usual permissions. Such files left by killed runs (their
/// process gone) are removed first.
pub fn temp_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_dead_temps(dir, &name);
    let mut b = tempfile::Builder::new();
    let prefix = format!(".{name}.tmp-{}-", std::process::id());
    b.prefix(&prefix);
    #[cfg(unix)]
    {
        // tempfile's default is 0600; a written matrix or map is for sharing. The kernel
        // applies the umask to 0666, as for any file a program creates.
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

/// Whether the run that made a leftover may still be running (then it is not touched).
pub(crate) fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(p) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
        let r = unsafe { libc::kill(p, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Removes `.NAME.tmp-PID-*` files in `dir` whose process has ended (a killed run's).
fn remove_dead_temps(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.tmp-");
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !alive(pid) && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// A test-only pause: when the environment variable `WASTEROUTE_PAUSE_AT` equals `point`, says
/// so on stderr and sleeps for a minute, so that a test can kill the process exactly there
/// (`tests/reliability_kill.rs`). Costs one environment look-up otherwise.
pub fn pause_point(point: &str) {
    if std::env::var_os("WASTEROUTE_PAUSE_AT").is_some_and(|v| v == point) {
        eprintln!("paused at {point}");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_text(path: &Path, kind: FileKind, text: &str) -> Result<(), FileError> {
        write_atomic(path, kind, &[], |w| w.write_all(text.as_bytes()))
    }

    #[test]
    fn replaces_only_a_file_of_its_own_kind() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.csv");
        let header = "from_id,to_id,distance_m,time_s\n";
        write_text(&m, FileKind::MatrixCsv, &format!("{header}a,a,0,0\n")).unwrap();
        write_text(&m, FileKind::MatrixCsv, &format!("{header}b,b,0,0\n")).unwrap();
        assert!(std::fs::read_to_string(&m).unwrap().contains("b,b"));

        let notes = dir.path().join("notes.csv");
        std::fs::write(&notes, "my,own,data\n").unwrap();
        let err = write_text(&notes, FileKind::MatrixCsv, "x").unwrap_err();
        assert!(matches!(err, FileError::NotOurs { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my,own,data\n");
        // Nothing left beside them.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn never_writes_over_an_input_or_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let map = dir.path().join("map.osm.pbf");
        std::fs::write(&map, b"OSMHeader wasteroute").unwrap();
        let err =
            write_atomic(&map, FileKind::OsmPbf, &[("the map", &map)], |_| Ok(())).unwrap_err();
        assert!(err.to_string().contains("the map"), "{err}");
        assert_eq!(std::fs::read(&map).unwrap(), b"OSMHeader wasteroute");
        let err = write_text(dir.path(), FileKind::MatrixCsv, "x").unwrap_err();
        assert!(matches!(err, FileError::IsFolder { .. }), "{err}");
    }

    #[test]
    fn a_killed_runs_temporary_file_is_removed_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.csv");
        // What a run with a process number that no longer exists left behind, and what a live
        // run (this one, under another name) is writing.
        let dead = dir.path().join(".m.csv.tmp-2147483632-abcdef");
        std::fs::write(&dead, b"half").unwrap();
        let live = dir
            .path()
            .join(format!(".m.csv.tmp-{}-zzzzzz", std::process::id()));
        std::fs::write(&live, b"busy").unwrap();
        write_text(&m, FileKind::MatrixCsv, "from_id,to_id,distance_m,time_s\n").unwrap();
        assert!(!dead.exists(), "a dead run's temporary file stays");
        assert!(live.exists(), "a live run's temporary file was removed");
    }

    #[cfg(unix)]
    #[test]
    fn files_get_the_usual_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.csv");
        write_text(&m, FileKind::MatrixCsv, "from_id,to_id,distance_m,time_s\n").unwrap();
        let mode = std::fs::metadata(&m).unwrap().permissions().mode() & 0o777;
        // A file made the ordinary way gets 0666 less the umask: ours must get the same.
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"").unwrap();
        let usual = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, usual, "mode {mode:o}, a plain file gets {usual:o}");
    }
}
