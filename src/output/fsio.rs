//! The output folder, written all at once and never at the cost of a user's file.
//!
//! - A folder is replaced only when wasteroute wrote it: it holds the marker file
//!   [`MARKER`] listing the files of that output, and nothing else. An empty or absent folder
//!   is fine; anything else is refused before any work ([`OutputDir::prepare`]), and checked
//!   again just before the switch.
//! - Every file goes into a fresh hidden sibling folder (`.NAME.new-PID-N`). The switch is one
//!   atomic `renameat2(RENAME_EXCHANGE)` on Linux: a kill at any moment leaves the old complete
//!   output or the new one at the stable path, never none. Where the file system cannot
//!   exchange, it is two renames, journalled by the marker (`complete`): the next run puts the
//!   complete folder back in place before anything else.
//! - Only the files listed in the old output's marker are deleted after the switch; a file the
//!   user put there meanwhile stays, with its folder, and is reported.
//! - Leftovers of killed runs (`.NAME.new-*`, `.NAME.old-*` whose process is gone) are cleaned
//!   up by the next run that writes to the same folder.
//! - Folders and files get the usual permissions (0777 / 0666 less the umask).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use serde::{Deserialize, Serialize};

use super::OutputError;
use crate::files::{alive, pause_point};

/// The file in every output folder that says wasteroute wrote it, and which files are its own.
pub const MARKER: &str = ".wasteroute-output.json";

/// How many entries of a folder are examined before it is judged not to be an output (a
/// plan has a few hundred files; this bounds the walk when `--out` is, say, a home folder).
const MAX_ENTRIES: usize = 20_000;

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    program: String,
    /// Every file of the output, relative to its folder, `/`-separated, sorted.
    files: Vec<String>,
    /// Set just before the switch: a staging folder with `complete` is a whole output.
    complete: bool,
}

impl Marker {
    fn read(dir: &Path) -> Option<Marker> {
        let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
        serde_json::from_str::<Marker>(&text)
            .ok()
            .filter(|m| m.program == "wasteroute")
    }
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// An output folder being written: the staging folder beside the target, and the target.
pub struct OutputDir {
    target: PathBuf,
    staged: PathBuf,
    inputs: Vec<(String, PathBuf)>,
    switched: bool,
}

impl OutputDir {
    /// Checks `target` (absent, empty, or an earlier wasteroute output holding only its own
    /// files; not holding one of `inputs`, each named for the message), completes or cleans up
    /// what killed runs left beside it, and creates the staging folder. Call it before any long
    /// work, so that a wrong `--out` fails in a second.
    pub fn prepare(target: &Path, inputs: &[(&str, &Path)]) -> Result<OutputDir, OutputError> {
        let parent = parent_of(target);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| OutputError::NotOutputDir {
                path: target.to_path_buf(),
                found: vec!["`.`, `..` and `/` cannot be replaced: name the folder itself".into()],
            })?;
        let inputs: Vec<(String, PathBuf)> = inputs
            .iter()
            .map(|(w, p)| (w.to_string(), p.to_path_buf()))
            .collect();
        if parent.is_dir() {
            recover(&parent, &name, target);
        }
        check_owned(target)?;
        check_inputs(target, &inputs)?;
        std::fs::create_dir_all(&parent).map_err(write_err(&parent))?;
        let staged = make_staging(&parent, &name)?;
        Ok(OutputDir {
            target: target.to_path_buf(),
            staged,
            inputs,
            switched: false,
        })
    }

    /// The folder the outputs will be in.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes `bytes` to `rel` (`/`-separated) inside the staging folder, creating sub-folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.staged.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(write_err(&self.target.join(rel)))?;
        }
        std::fs::write(&path, bytes).map_err(write_err(&self.target.join(rel)))
    }

    /// Puts the staging folder in place of the target; `files` are the files written (the
    /// marker lists them). Returns the target, and the files of the old output that were not
    /// its own (the user put them there during the run): they are kept, in the returned
    /// folder, which is then the only thing left beside the target.
    pub fn commit(mut self, files: &[String]) -> Result<(PathBuf, Option<PathBuf>), OutputError> {
        write_marker(&self.staged, files, true)?;
        pause_point("before-switch");
        // The run may have taken minutes: check again what will be replaced.
        check_owned(&self.target)?;
        check_inputs(&self.target, &self.inputs)?;
        let old = if self.target.exists() {
            match exchange(&self.staged, &self.target) {
                Ok(()) => {
                    self.switched = true;
                    Some(self.staged.clone())
                }
                Err(e) if exchange_unsupported(&e) => {
                    // Two renames; the marker's `complete` lets the next run finish a switch
                    // that a kill interrupted between them.
                    let old = sibling(&self.target, "old");
                    std::fs::rename(&self.target, &old).map_err(write_err(&self.target))?;
                    pause_point("between-renames");
                    if let Err(e) = std::fs::rename(&self.staged, &self.target) {
                        let _ = std::fs::rename(&old, &self.target);
                        return Err(OutputError::Write {
                            path: self.target.clone(),
                            source: e,
                        });
                    }
                    self.switched = true;
                    Some(old)
                }
                Err(e) => return Err(write_err(&self.target)(e)),
            }
        } else {
            std::fs::rename(&self.staged, &self.target).map_err(write_err(&self.target))?;
            self.switched = true;
            None
        };
        pause_point("after-switch");
        let kept = match old {
            Some(old) => remove_output(&old).err().map(|_| old),
            None => None,
        };
        Ok((self.target.clone(), kept))
    }
}

impl Drop for OutputDir {
    /// A run that fails or stops before the switch leaves no staging folder behind.
    fn drop(&mut self) {
        if !self.switched {
            let _ = std::fs::remove_dir_all(&self.staged);
        }
    }
}

fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.NAME.KIND-PID-N` beside `target`: hidden, named for the run that made it.
fn sibling(target: &Path, kind: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = N.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    parent_of(target).join(format!(
        ".{name}.{kind}-{}-{n}{nanos:09}",
        std::process::id()
    ))
}

fn make_staging(parent: &Path, name: &str) -> Result<PathBuf, OutputError> {
    let target = parent.join(name);
    for _ in 0..100 {
        let path = sibling(&target, "new");
        // DirBuilder creates with 0777 less the umask, as any folder a program makes.
        match std::fs::DirBuilder::new().create(&path) {
            Ok(()) => {
                write_marker(&path, &[], false)?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_err(parent)(e)),
        }
    }
    Err(OutputError::Write {
        path: target,
        source: std::io::Error::other("no free name for a staging folder"),
    })
}

fn write_marker(dir: &Path, files: &[String], complete: bool) -> Result<(), OutputError> {
    let mut files = files.to_vec();
    files.sort();
    let m = Marker {
        program: "wasteroute".into(),
        files,
        complete,
    };
    let text = serde_json::to_string_pretty(&m).unwrap_or_default();
    let tmp = dir.join(format!("{MARKER}.tmp"));
    std::fs::write(&tmp, text).map_err(write_err(&tmp))?;
    std::fs::rename(&tmp, dir.join(MARKER)).map_err(write_err(dir))
}

/// Every file under `dir`, relative and `/`-separated, at most `MAX_ENTRIES` (then `None`).
/// Symbolic links are listed as files and not followed.
fn list_files(dir: &Path) -> std::io::Result<Option<Vec<String>>> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    let mut seen = 0;
    while let Some((path, rel)) = stack.pop() {
        for entry in std::fs::read_dir(&path)? {
            let entry = entry?;
            seen += 1;
            if seen > MAX_ENTRIES {
                return Ok(None);
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let r = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if entry.file_type()?.is_dir() {
                stack.push((entry.path(), r));
            } else {
                out.push(r);
            }
        }
    }
    out.sort();
    Ok(Some(out))
}

/// The files under `dir` that its marker does not list (all of them without a marker).
fn foreign_files(dir: &Path) -> Result<Vec<String>, OutputError> {
    let files =
        list_files(dir)
            .map_err(write_err(dir))?
            .ok_or_else(|| OutputError::NotOutputDir {
                path: dir.to_path_buf(),
                found: vec![format!("more than {MAX_ENTRIES} files and folders")],
            })?;
    let own: BTreeSet<String> = match Marker::read(dir) {
        Some(m) => m.files.into_iter().chain([MARKER.to_string()]).collect(),
        None => BTreeSet::new(),
    };
    Ok(files.into_iter().filter(|f| !own.contains(f)).collect())
}

fn check_owned(target: &Path) -> Result<(), OutputError> {
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(write_err(target)(e)),
    };
    if !meta.is_dir() {
        let what = if meta.file_type().is_symlink() {
            "a symbolic link: give the folder it points to"
        } else {
            "a file, not a folder"
        };
        return Err(OutputError::NotOutputDir {
            path: target.to_path_buf(),
            found: vec![what.into()],
        });
    }
    let foreign = foreign_files(target)?;
    if foreign.is_empty() {
        return Ok(());
    }
    let n = foreign.len();
    let mut found: Vec<String> = foreign.into_iter().take(5).collect();
    if n > found.len() {
        found.push(format!("and {} more", n - found.len()));
    }
    Err(if target.join(MARKER).exists() {
        OutputError::ForeignFiles {
            path: target.to_path_buf(),
            found,
        }
    } else {
        OutputError::NotOutputDir {
            path: target.to_path_buf(),
            found,
        }
    })
}

/// An input inside the output folder would be replaced with it.
fn check_inputs(target: &Path, inputs: &[(String, PathBuf)]) -> Result<(), OutputError> {
    let Ok(t) = target.canonicalize() else {
        return Ok(()); // the folder does not exist yet: it holds nothing
    };
    for (what, input) in inputs {
        if let Ok(i) = input.canonicalize()
            && i.starts_with(&t)
        {
            return Err(OutputError::InputInside {
                path: target.to_path_buf(),
                what: what.clone(),
                input: input.clone(),
            });
        }
    }
    Ok(())
}

/// Swaps two paths atomically (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    if std::env::var_os("WASTEROUTE_TEST_NO_EXCHANGE").is_some() {
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    }
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call; the syscall
    // only reads them. The libc crate has no portable wrapper for renameat2 (glibc-only), so
    // it is called by number, as glibc itself does.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

fn exchange_unsupported(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if matches!(
        e.raw_os_error(),
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP)
    ) {
        return true;
    }
    e.kind() == std::io::ErrorKind::Unsupported
}

/// Deletes an output folder's own files (its marker's list, then the marker), then its
/// folders if they are empty. Fails, leaving the rest, if something else is in it.
fn remove_output(dir: &Path) -> std::io::Result<()> {
    let marker = Marker::read(dir);
    for f in marker.iter().flat_map(|m| m.files.iter()) {
        // Only plain relative paths: a marker that names `../x` deletes nothing outside.
        if f.split('/').any(|c| c == ".." || c.is_empty()) || Path::new(f).is_absolute() {
            continue;
        }
        let _ = std::fs::remove_file(dir.join(f));
    }
    let _ = std::fs::remove_file(dir.join(format!("{MARKER}.tmp")));
    let _ = std::fs::remove_file(dir.join(MARKER));
    remove_empty_dirs(dir)
}

fn remove_empty_dirs(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            let _ = remove_empty_dirs(&entry.path());
        }
    }
    std::fs::remove_dir(dir)
}

/// What killed runs left beside the output folder `NAME`: a switch cut between its two
/// renames is completed (the target missing, a complete new folder or the old one put back),
/// then leftovers whose process is gone are removed (their own files only).
fn recover(parent: &Path, name: &str, target: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let mut new = Vec::new();
    let mut old = Vec::new();
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let (kind, tail) = match rest.split_once('-') {
            Some(("new", t)) => ("new", t),
            Some(("old", t)) => ("old", t),
            _ => continue,
        };
        let Some(pid) = tail.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if alive(pid) || !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if kind == "new" {
            new.push(e.path());
        } else {
            old.push(e.path());
        }
    }
    if !target.exists() {
        let complete = new
            .iter()
            .find(|p| Marker::read(p).is_some_and(|m| m.complete));
        if let Some(p) = complete.or_else(|| old.iter().find(|p| Marker::read(p).is_some())) {
            let _ = std::fs::rename(p, target);
        }
    }
    for p in new.iter().chain(&old) {
        let ours = p.join(MARKER).exists() || p.join(format!("{MARKER}.tmp")).exists();
        if ours || is_empty_dir(p) {
            // A staging folder holds only what its run wrote; an old output only its own.
            if new.contains(p) {
                let _ = std::fs::remove_dir_all(p);
            } else {
                let _ = remove_output(p);
            }
        }
    }
}

fn is_empty_dir(p: &Path) -> bool {
    std::fs::read_dir(p).is_ok_and(|mut d| d.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<String> {
        list_files(dir).unwrap().unwrap()
    }

    fn write_output(out: &Path, content: &[u8]) {
        let s = OutputDir::prepare(out, &[]).unwrap();
        s.write("plan.json", content).unwrap();
        s.write("maps/a.png", b"a").unwrap();
        s.commit(&["plan.json".into(), "maps/a.png".into()])
            .unwrap();
    }

    #[test]
    fn replaces_an_earlier_output_and_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write_output(&out, b"1");
        let s = OutputDir::prepare(&out, &[]).unwrap();
        s.write("plan.json", b"2").unwrap();
        s.commit(&["plan.json".into()]).unwrap();
        assert_eq!(std::fs::read(out.join("plan.json")).unwrap(), b"2");
        assert!(!out.join("maps").exists(), "old files must not survive");
        assert_eq!(files(&out), vec![MARKER.to_string(), "plan.json".into()]);
        let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "staging or old folders left behind");
    }

    #[test]
    fn refuses_a_folder_of_other_files_even_with_a_plan_json() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("thesis.docx"), b"x").unwrap();
        std::fs::write(tmp.path().join("plan.json"), b"{}").unwrap();
        let err = OutputDir::prepare(tmp.path(), &[]).err().unwrap();
        assert!(matches!(err, OutputError::NotOutputDir { .. }), "{err}");
        assert!(err.to_string().contains("thesis.docx"), "{err}");
        assert_eq!(files(tmp.path()), vec!["plan.json", "thesis.docx"]);
        // A staging folder dropped before commit disappears; the target is untouched.
        let out = tmp.path().join("out");
        {
            let s = OutputDir::prepare(&out, &[]).unwrap();
            s.write("plan.json", b"1").unwrap();
        }
        assert!(!out.exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2);
    }

    #[test]
    fn refuses_an_output_with_a_users_file_in_it_and_keeps_a_late_one() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write_output(&out, b"1");
        std::fs::write(out.join("maps/notes.txt"), b"mine").unwrap();
        let err = OutputDir::prepare(&out, &[]).err().unwrap();
        assert!(matches!(err, OutputError::ForeignFiles { .. }), "{err}");
        assert!(err.to_string().contains("maps/notes.txt"), "{err}");

        // A file put there during the run: the switch is refused, nothing lost.
        std::fs::remove_file(out.join("maps/notes.txt")).unwrap();
        let s = OutputDir::prepare(&out, &[]).unwrap();
        s.write("plan.json", b"2").unwrap();
        std::fs::write(out.join("notes.txt"), b"mine").unwrap();
        let err = s.commit(&["plan.json".into()]).err().unwrap();
        assert!(matches!(err, OutputError::ForeignFiles { .. }), "{err}");
        assert_eq!(std::fs::read(out.join("plan.json")).unwrap(), b"1");
        assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"mine");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_an_output_folder_that_holds_an_input() {
        let tmp = tempfile::tempdir().unwrap();
        let scenario = tmp.path().join("scenario.toml");
        std::fs::write(&scenario, b"x").unwrap();
        let err = OutputDir::prepare(tmp.path(), &[("the scenario", &scenario)])
            .err()
            .unwrap();
        assert!(err.to_string().contains("scenario.toml"), "{err}");
        assert_eq!(std::fs::read(&scenario).unwrap(), b"x");
    }

    #[test]
    fn a_switch_cut_between_two_renames_is_completed_by_the_next_run() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write_output(&out, b"1");
        // What a run killed between its two renames leaves: the old output moved aside, the
        // new one complete in its staging folder, no output folder. Their pid is gone.
        let dead = 0x7fff_fff0u32;
        let old = tmp.path().join(format!(".out.old-{dead}-1"));
        std::fs::rename(&out, &old).unwrap();
        let new = tmp.path().join(format!(".out.new-{dead}-2"));
        std::fs::create_dir(&new).unwrap();
        std::fs::write(new.join("plan.json"), b"2").unwrap();
        write_marker(&new, &["plan.json".into()], true).unwrap();
        let s = OutputDir::prepare(&out, &[]).unwrap();
        assert_eq!(std::fs::read(out.join("plan.json")).unwrap(), b"2");
        drop(s);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);

        // Killed before the new one was complete: the old one comes back.
        std::fs::rename(&out, &old).unwrap();
        std::fs::create_dir(&new).unwrap();
        write_marker(&new, &[], false).unwrap();
        drop(OutputDir::prepare(&out, &[]).unwrap());
        assert_eq!(std::fs::read(out.join("plan.json")).unwrap(), b"2");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
