//! Files as they were at a git revision, for `diff --base`: a [`Loader`] that asks git.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use windlass::Loader;

use super::loader::display_name;

/// Reads files as they were at a git revision, with `git show REV:PATH`.
pub struct GitLoader {
    /// The revision, as the user named it.
    rev: String,
    /// The root of the working tree, for absolute paths.
    toplevel: PathBuf,
}

impl GitLoader {
    /// A loader for `rev`, once git confirms it names a commit of the repository we are in.
    pub fn new(rev: &str) -> Result<Self, (String, String)> {
        let toplevel = git(&["rev-parse", "--show-toplevel"]).map_err(|e| {
            (
                format!("--base needs a git repository: {e}"),
                "run windlass inside the repository, or compare with --against".to_owned(),
            )
        })?;
        git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).map_err(|_| {
            (
                format!("`{rev}` is not a revision of this repository"),
                "name a branch, tag or commit; in CI, fetch the base branch first (actions/checkout with fetch-depth: 0)".to_owned(),
            )
        })?;
        Ok(GitLoader {
            rev: rev.to_owned(),
            toplevel: PathBuf::from(toplevel.trim_end()),
        })
    }

    /// The path in git's `REV:PATH` syntax: relative to the working directory (`./…`), or to the
    /// top of the working tree for an absolute path.
    fn spec(&self, path: &Path) -> io::Result<String> {
        let relative = if path.is_absolute() {
            let canonical = self
                .toplevel
                .canonicalize()
                .unwrap_or_else(|_| self.toplevel.clone());
            path.strip_prefix(&self.toplevel)
                .or_else(|_| path.strip_prefix(&canonical))
                .map(display_name)
                .map_err(|_| {
                    io::Error::other(format!("{} is outside the git repository", path.display()))
                })?
        } else {
            format!("./{}", display_name(path))
        };
        Ok(format!("{}:{relative}", self.rev))
    }
}

impl Loader for GitLoader {
    fn load(&self, path: &Path) -> io::Result<String> {
        let spec = self.spec(path)?;
        if git(&["cat-file", "-e", &spec]).is_err() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no such file at {}", self.rev),
            ));
        }
        git(&["show", &spec])
    }
}

/// Runs git with `args`; its stdout, or its first line of stderr as the error.
fn git(args: &[&str]) -> io::Result<String> {
    let output = Command::new("git").args(args).output()?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim_start_matches("fatal: ");
        return Err(io::Error::other(first.to_owned()));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}
