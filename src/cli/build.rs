//! `windlass build`: compile and write the manifests to stdout or to a directory.

use std::io;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{Outcome, OutputFormat, RuleArgs};
use crate::printer;
use crate::render::{self, Format, OutputFile};

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
    /// Write one file per application component and a kustomization.yaml into this directory,
    /// replacing what an earlier build wrote there.
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: OutputFormat,
    /// Compile for this environment (`environment NAME { … }`) instead of the base app.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// With -o: write one folder per environment, each with its own kustomization.yaml.
    #[arg(long, requires = "out", conflicts_with = "env")]
    pub all_envs: bool,
    /// Rules raised to errors and silenced.
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Runs `build`.
pub fn run(args: &BuildArgs) -> Outcome {
    let Some(config) = args.rules.config() else {
        return Outcome::CouldNotRun;
    };
    let Some((path, text)) = super::read_description(args.file.as_deref()) else {
        return Outcome::CouldNotRun;
    };
    let format = match args.format {
        OutputFormat::Yaml => Format::Yaml,
        OutputFormat::Json => Format::Json,
    };
    if args.all_envs {
        return all_envs(args, &path, &text, &config, format);
    }
    // A YAML stream on stdout is lowered and rendered a component at a time, after the compile.
    let streamed = args.out.is_none() && format == Format::Yaml;
    let goal = if streamed {
        crate::Goal::Findings
    } else {
        crate::Goal::Manifests
    };
    // The process ends after this command: the OS reclaims the objects faster than freeing them.
    let compilation = std::mem::ManuallyDrop::new(super::compile_to(
        &path,
        text,
        &config,
        args.env.as_deref(),
        goal,
    ));
    if compilation.app.is_none() && args.env.is_some() && !compilation.has_errors() {
        return Outcome::CouldNotRun;
    }
    let warnings = compilation
        .diagnostics
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Warning);
    if args.rules.deny_warnings() && warnings && !compilation.has_errors() {
        printer::err(&printer::human(
            &compilation.diagnostics,
            printer::color_stderr(),
        ));
        printer::err(&format!(
            "{}\n",
            printer::summary(
                &compilation.diagnostics,
                "nothing written (--deny warnings)"
            )
        ));
        return Outcome::InputErrors;
    }
    let color = printer::color_stderr();
    printer::err(&printer::human(&compilation.diagnostics, color));
    if compilation.has_errors() {
        printer::err(&format!(
            "{}\n",
            printer::summary(&compilation.diagnostics, "nothing written")
        ));
        return Outcome::InputErrors;
    }
    let Some(dir) = &args.out else {
        match (&compilation.app, streamed) {
            (Some(app), true) => printer::out(&render::yaml_stream_of(app)),
            _ => printer::out(&render::stream(&compilation.manifests, format)),
        }
        return Outcome::Ok;
    };
    let files = render::files(&compilation.manifests, format);
    let before = super::diff::previous_build(dir);
    match write_dir(dir, &files) {
        Ok(()) => {
            let line = format!(
                "wrote {} objects in {} files to {}",
                compilation.manifests.len(),
                files.len(),
                dir.display()
            );
            printer::err(&format!(
                "{}\n",
                printer::summary(&compilation.diagnostics, &line)
            ));
            if let Some(before) = before {
                printer::err(&super::diff::build_summary(
                    dir,
                    &before,
                    &compilation.manifests,
                ));
            }
            Outcome::Ok
        }
        Err(err) => {
            printer::fatal(
                &format!("cannot write {}: {err}", dir.display()),
                Some("nothing in the directory was changed"),
            );
            Outcome::CouldNotRun
        }
    }
}

/// `build -o DIR --all-envs`: every environment compiled, then written together, one folder
/// each; nothing is written unless all compile.
fn all_envs(
    args: &BuildArgs,
    path: &Path,
    text: &str,
    config: &crate::check::Config,
    format: Format,
) -> Outcome {
    let base = super::compile_env(path, text.to_owned(), config, None);
    if base.environments.is_empty() {
        printer::err(&printer::human(&base.diagnostics, printer::color_stderr()));
        printer::fatal(
            &format!("{} declares no environment", path.display()),
            Some("declare them with `environment NAME { … }`, or build without --all-envs"),
        );
        return if base.has_errors() {
            Outcome::InputErrors
        } else {
            Outcome::CouldNotRun
        };
    }
    let color = printer::color_stderr();
    let mut files = Vec::new();
    let mut all = Vec::new();
    let mut objects = 0;
    for env in &base.environments {
        let c = super::compile_env(path, text.to_owned(), config, Some(env));
        printer::err(&printer::human(&c.diagnostics, color));
        objects += c.manifests.len();
        for f in render::files(&c.manifests, format) {
            files.push(OutputFile {
                name: format!("{env}/{}", f.name),
                content: f.content,
            });
        }
        all.extend(c.diagnostics);
    }
    let errors = all.iter().any(|d| d.is_error());
    let warnings = all
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Warning);
    if errors || (args.rules.deny_warnings() && warnings) {
        printer::err(&format!("{}\n", printer::summary(&all, "nothing written")));
        return Outcome::InputErrors;
    }
    let Some(dir) = &args.out else {
        return Outcome::CouldNotRun;
    };
    match write_dir(dir, &files) {
        Ok(()) => {
            let line = format!(
                "wrote {objects} objects for {} environments ({}) to {}",
                base.environments.len(),
                base.environments.join(", "),
                dir.display()
            );
            printer::err(&format!("{}\n", printer::summary(&all, &line)));
            Outcome::Ok
        }
        Err(err) => {
            printer::fatal(
                &format!("cannot write {}: {err}", dir.display()),
                Some("nothing in the directory was changed"),
            );
            Outcome::CouldNotRun
        }
    }
}

/// Whether `dir` holds only what a build wrote: a kustomization.yaml, or folders that each hold
/// one (`--all-envs`).
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that reads files"
)]
fn written_by_windlass(dir: &Path) -> io::Result<bool> {
    let mut entries = std::fs::read_dir(dir)?.peekable();
    if entries.peek().is_none() || dir.join("kustomization.yaml").exists() {
        return Ok(true);
    }
    for entry in entries {
        let path = entry?.path();
        if !(path.is_dir() && path.join("kustomization.yaml").exists()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Replaces `dir` with exactly `files`, atomically: the files are written to a sibling directory
/// that is then renamed into place, so a failure leaves `dir` as it was.
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that writes files"
)]
fn write_dir(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    use std::fs;
    let other = |msg: String| io::Error::other(msg);
    let name = dir
        .file_name()
        .ok_or_else(|| other("the output needs a directory of its own (not `.` or `/`)".into()))?
        .to_string_lossy()
        .into_owned();
    if dir.exists() {
        if !dir.is_dir() {
            return Err(other("it exists and is not a directory".into()));
        }
        if !written_by_windlass(dir)? {
            return Err(other(
                "it holds files that windlass did not write (no kustomization.yaml); choose an empty or new directory".into(),
            ));
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.windlass-new-{pid}"));
    let old = parent.join(format!(".{name}.windlass-old-{pid}"));
    let _ = fs::remove_dir_all(&staging);
    let written = (|| {
        fs::create_dir(&staging)?;
        for file in files {
            let target = staging.join(&file.name);
            if let Some(folder) = target.parent() {
                fs::create_dir_all(folder)?;
            }
            fs::write(target, &file.content)?;
        }
        Ok::<(), io::Error>(())
    })();
    if let Err(err) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    if dir.exists() {
        fs::rename(dir, &old)?;
        if let Err(err) = fs::rename(&staging, dir) {
            let _ = fs::rename(&old, dir);
            let _ = fs::remove_dir_all(&staging);
            return Err(err);
        }
        let _ = fs::remove_dir_all(&old);
    } else if let Err(err) = fs::rename(&staging, dir) {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    Ok(())
}
