//! Writing an output folder all at once: every file goes into a fresh sibling folder, which then
//! replaces the old one by two renames. A run that fails half-way leaves the old folder as it
//! was; a reader never sees a mix of old and new files.

use std::path::{Path, PathBuf};

use super::OutputError;

/// A folder being filled next to the output folder it will replace.
pub struct Staging {
    target: PathBuf,
    dir: tempfile::TempDir,
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}

impl Staging {
    /// Checks `target` (absent, empty, or an earlier wasteroute output with a plan.json) and
    /// creates the staging folder beside it.
    pub fn new(target: &Path) -> Result<Staging, OutputError> {
        if target.exists() {
            if !target.is_dir() {
                return Err(OutputError::Write {
                    path: target.to_path_buf(),
                    source: std::io::Error::other("it exists and is not a folder"),
                });
            }
            let mut entries = std::fs::read_dir(target).map_err(write_err(target))?;
            if entries.next().is_some() && !target.join("plan.json").is_file() {
                return Err(OutputError::NotOutputDir {
                    path: target.to_path_buf(),
                });
            }
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(write_err(&parent))?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-"))
            .tempdir_in(&parent)
            .map_err(write_err(&parent))?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
        })
    }

    /// Writes `bytes` to `rel` inside the staging folder, creating sub-folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.dir.path().join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(write_err(&self.target.join(rel)))?;
        }
        std::fs::write(&path, bytes).map_err(write_err(&self.target.join(rel)))
    }

    /// Replaces the output folder with the staging folder.
    pub fn commit(self) -> Result<PathBuf, OutputError> {
        let target = self.target;
        let staged = self.dir.keep();
        #[cfg(unix)]
        {
            // tempfile creates 0700 folders; an output folder is for sharing.
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o755));
        }
        let fail = |path: &Path, source| {
            let _ = std::fs::remove_dir_all(&staged);
            OutputError::Write {
                path: path.to_path_buf(),
                source,
            }
        };
        if target.exists() {
            let old = staged.with_file_name(format!(
                "{}.old",
                staged
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
            std::fs::rename(&target, &old).map_err(|e| fail(&target, e))?;
            if let Err(e) = std::fs::rename(&staged, &target) {
                // Put the old folder back: the user keeps the previous outputs.
                let _ = std::fs::rename(&old, &target);
                return Err(fail(&target, e));
            }
            // The new outputs are in place; a leftover old folder is only untidy.
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&staged, &target).map_err(|e| fail(&target, e))?;
        }
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_an_earlier_output_and_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::new(&out).unwrap();
        s.write("plan.json", b"1").unwrap();
        s.write("maps/a.png", b"a").unwrap();
        s.commit().unwrap();
        let s = Staging::new(&out).unwrap();
        s.write("plan.json", b"2").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read(out.join("plan.json")).unwrap(), b"2");
        assert!(!out.join("maps").exists(), "old files must not survive");
        let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "staging or old folders left behind");
    }

    #[test]
    fn refuses_a_folder_of_other_files_and_keeps_it_on_failure() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("thesis.docx"), b"x").unwrap();
        let err = Staging::new(tmp.path()).err().unwrap();
        assert!(matches!(err, OutputError::NotOutputDir { .. }), "{err}");
        // A staging folder dropped before commit disappears; the target is untouched.
        let out = tmp.path().join("out");
        {
            let s = Staging::new(&out).unwrap();
            s.write("plan.json", b"1").unwrap();
        }
        assert!(!out.exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
