//! `windlass set-image`: bump a workload's image tag in the description, in place — the step a CI
//! pipeline runs after pushing a new image.

use std::path::PathBuf;

use clap::Args;

use windlass::diag::format;
use windlass::syntax::edit::{self, Target};
use windlass::{Goal, Input, Options};

use super::{Outcome, files, loader, printer};

/// Arguments of `set-image`.
#[derive(Debug, Args)]
pub struct SetImageArgs {
    /// The workload and its new tag: `orders=3.2.0`.
    #[arg(value_name = "WORKLOAD=TAG")]
    pub assignment: String,
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
    /// Set the tag in this environment's override instead of the app.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Accept a tag that goes backwards or is `latest`.
    #[arg(long)]
    pub force: bool,
}

/// Runs `set-image`.
pub fn run(args: &SetImageArgs) -> Outcome {
    let Some((workload, tag)) = args
        .assignment
        .split_once('=')
        .filter(|(w, t)| !w.is_empty() && !t.is_empty())
    else {
        printer::fatal(
            &format!("`{}` is not WORKLOAD=TAG", args.assignment),
            Some("write it as `orders=3.2.0`"),
        );
        return Outcome::CouldNotRun;
    };
    let Some(mut input) = loader::read_description(args.file.as_deref()) else {
        return Outcome::CouldNotRun;
    };
    // Held until the edit is written: a second `set-image` of this file waits, then edits what
    // this one wrote.
    let locked = match files::lock_for_edit(&input.path, files::MAX_DESCRIPTION_BYTES) {
        Ok(locked) => locked,
        Err(err) => {
            printer::fatal(
                &format!("cannot read {}: {err}", input.path.display()),
                Some("nothing changed"),
            );
            return Outcome::CouldNotRun;
        }
    };
    input.text.clone_from(&locked.text);
    let env = args.env.as_deref();
    // Only the model is needed: whether the workload exists, its tag, and that the edit keeps
    // the description sound.
    let options = Options {
        env: args.env.clone(),
        goal: Goal::Findings,
        ..Options::default()
    };
    let (path, name, text) = (input.path.clone(), input.name.clone(), input.text.clone());
    let Some(before) = super::compile(input, &options) else {
        return Outcome::CouldNotRun;
    };
    if before.has_errors() {
        printer::err(&format::human(&before.diagnostics, printer::color_stderr()));
        printer::err("the description has errors; nothing changed\n");
        return Outcome::InputErrors;
    }
    let Some(app) = &before.app else {
        return Outcome::CouldNotRun;
    };
    let Some(target) = app.workload(workload) else {
        let names = app.workloads.iter().map(|w| w.name.as_str());
        let help = windlass::diag::suggest_help(workload, names, "name a workload of the app");
        printer::fatal(
            &format!("the app has no workload `{workload}`"),
            Some(&help),
        );
        return Outcome::CouldNotRun;
    };
    let old = target.main.image.as_ref().and_then(|i| i.tag.clone());
    if !args.force
        && let Some(why) = edit::refusal(old.as_deref(), tag)
    {
        printer::fatal(
            &format!("refusing {workload}={tag}: {why}"),
            Some("pass --force if this is what you mean (a rollback)"),
        );
        return Outcome::InputErrors;
    }
    let spot = Target {
        workload,
        kind: target.kind.keyword(),
        env,
    };
    let edited = match edit::set_image(&text, &spot, tag) {
        Ok(edited) => edited,
        Err(e) => {
            printer::fatal(&e.message, Some(&e.help));
            return Outcome::CouldNotRun;
        }
    };
    // The edit must compile and give the workload the new tag, or nothing is written.
    let edited_input = Input::new(name, path.as_path(), edited.text.as_str());
    let Some(after) = super::compile(edited_input, &options) else {
        return Outcome::CouldNotRun;
    };
    let new_tag = after
        .app
        .as_ref()
        .and_then(|a| a.workload(workload))
        .and_then(|w| w.main.image.as_ref())
        .and_then(|i| i.tag.clone());
    if after.has_errors() || new_tag.as_deref() != Some(tag) {
        printer::err(&format::human(&after.diagnostics, printer::color_stderr()));
        printer::fatal(
            &format!(
                "setting {workload}={tag} did not give `{workload}` that tag; nothing changed"
            ),
            Some(
                "the image may be set by a component without a parameter: pass it as one, or override it in the workload's block",
            ),
        );
        return Outcome::InputErrors;
    }
    if let Err(err) = locked.write(&edited.text) {
        printer::fatal(
            &format!("cannot write {}: {err}", path.display()),
            Some("nothing changed"),
        );
        return Outcome::CouldNotRun;
    }
    let was = old.map_or_else(String::new, |o| format!(" (was {o})"));
    printer::err(&format!(
        "set the {} to {tag}{was} in {}\n",
        edited.what,
        path.display()
    ));
    Outcome::Ok
}
