//! `windlass set-image` and `windlass canary`: the release steps a CI pipeline runs, as edits of
//! the description in place — bump an image (by workload, or by image repository for every
//! workload that runs it), pin a digest, start a canary, change its weight, promote it, abort it.
//!
//! Every command reads the description, refuses what makes no sense, splices the text at the
//! spans the reader reports (every other byte stays), compiles the result, checks that it gives
//! what was asked, and only then writes — under a lock, so two runs edit one after the other.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use windlass::diag::format;
use windlass::model::{App, Workload, WorkloadKind};
use windlass::syntax::edit::{self, CanaryChange, NewImage, Target};
use windlass::{Goal, Input, Options};

use super::{Outcome, files, loader, printer};

/// Arguments of `set-image`.
#[derive(Debug, Args)]
pub struct SetImageArgs {
    /// What to set: `orders=3.2.0`, `orders=3.2.0@sha256:…`, `orders=@sha256:…` (pin the current
    /// tag), `orders-canary=3.3.0` (its canary), or an image repository,
    /// `registry.example/payments=2.1.0`, for every workload that runs it.
    #[arg(value_name = "NAME=TAG")]
    pub assignment: String,
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
    /// Set the tag in this environment's override instead of the app.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Accept a tag that goes backwards or is `latest`.
    #[arg(long)]
    pub force: bool,
    /// Start a canary of the workload with this tag (or move its canary to it), instead of
    /// changing the stable pods.
    #[arg(long)]
    pub canary: bool,
    /// With --canary: the canary's share of requests, 1 to 99 percent (a new canary: 10).
    #[arg(long, value_name = "PERCENT")]
    pub weight: Option<u32>,
    /// When other workloads run the same image (a CronJob beside its service): set them all.
    #[arg(long, conflicts_with = "only")]
    pub all: bool,
    /// When other workloads run the same image: set this one alone.
    #[arg(long)]
    pub only: bool,
}

/// Arguments of `canary`.
#[derive(Debug, Args)]
pub struct CanaryArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: CanaryAction,
}

/// The canary steps.
#[derive(Debug, Subcommand)]
pub enum CanaryAction {
    /// Start a canary (`orders=3.2.0`), or move the one there is to another tag.
    Start(CanaryStart),
    /// Change the share of requests the canary gets: `orders=25`.
    Weight(CanaryTarget),
    /// Make the canary's tag the stable one and remove the canary.
    Promote(CanaryTarget),
    /// Remove the canary; the stable pods take all requests again.
    Abort(CanaryTarget),
}

/// `canary start`.
#[derive(Debug, Args)]
pub struct CanaryStart {
    /// The workload and the canary's tag: `orders=3.2.0` (or `3.2.0@sha256:…`).
    #[arg(value_name = "WORKLOAD=TAG")]
    pub assignment: String,
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
    /// The environment whose override holds the canary (default: the app).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Its share of requests, 1 to 99 percent (a new canary: 10).
    #[arg(long, value_name = "PERCENT")]
    pub weight: Option<u32>,
    /// Accept a canary tag older than the stable one.
    #[arg(long)]
    pub force: bool,
}

/// `canary weight|promote|abort`.
#[derive(Debug, Args)]
pub struct CanaryTarget {
    /// The workload (`orders`), with the weight for `weight` (`orders=25`).
    #[arg(value_name = "WORKLOAD")]
    pub workload: String,
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
    /// The environment whose override holds the canary (default: the app).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// `promote`: accept a canary tag older than the stable one.
    #[arg(long)]
    pub force: bool,
}

/// One edit asked for.
enum Step {
    /// The stable image of workloads.
    Stable {
        workloads: Vec<String>,
        new: NewImage,
    },
    /// A canary change of one workload.
    Canary {
        workload: String,
        change: CanaryStep,
    },
}

/// What to do to a canary.
#[derive(Clone)]
enum CanaryStep {
    Set { new: NewImage, weight: Option<u32> },
    Weight(u32),
    Promote,
    Abort,
}

/// Runs `set-image`.
pub fn run(args: &SetImageArgs) -> Outcome {
    let Some((name, tag)) = split(&args.assignment, "orders=3.2.0") else {
        return Outcome::CouldNotRun;
    };
    let new = match NewImage::parse(tag) {
        Ok(new) => new,
        Err(e) => {
            printer::fatal(
                &format!("refusing {}: {}", args.assignment, e.message),
                Some(&e.help),
            );
            return Outcome::CouldNotRun;
        }
    };
    let weight = args.weight;
    let plan = move |app: &App| -> Result<Step, Refused> {
        let canary_of = name
            .strip_suffix("-canary")
            .filter(|stem| app.workload(name).is_none() && app.workload(stem).is_some());
        if args.weight.is_some() && !args.canary && canary_of.is_none() {
            return Err(refuse(
                "--weight is the share of a canary",
                format!(
                    "pass --canary to start one (`set-image {name}={tag} --canary --weight W`), or `windlass canary weight {name}=W` to change one"
                ),
            ));
        }
        if args.canary || canary_of.is_some() {
            let workload = canary_of.unwrap_or(name);
            return Ok(Step::Canary {
                workload: workload.to_owned(),
                change: CanaryStep::Set {
                    new: new.clone(),
                    weight,
                },
            });
        }
        if let Some(w) = app.workload(name) {
            let others = same_image(app, w);
            if others.is_empty() || args.only {
                return Ok(Step::Stable {
                    workloads: vec![name.to_owned()],
                    new: new.clone(),
                });
            }
            if args.all {
                let mut all = vec![name.to_owned()];
                all.extend(others.iter().map(|o| o.name.clone()));
                return Ok(Step::Stable {
                    workloads: all,
                    new: new.clone(),
                });
            }
            let repository = w.main.image.as_ref().map_or("", |i| i.repository.as_str());
            return Err(refuse(
                format!(
                    "`{repository}` also runs in {}: setting `{name}` alone would leave {} on the old tag",
                    list(&others),
                    if others.len() == 1 { "it" } else { "them" }
                ),
                format!(
                    "pass --all to set every workload that runs it (or `set-image {repository}={tag}`), or --only to set `{name}` alone"
                ),
            ));
        }
        let running: Vec<&Workload> = app
            .workloads
            .iter()
            .filter(|w| {
                w.main.image.as_ref().is_some_and(|i| {
                    i.repository == name || written_repository(&i.repository) == name
                })
            })
            .collect();
        if !running.is_empty() {
            return Ok(Step::Stable {
                workloads: running.iter().map(|w| w.name.clone()).collect(),
                new: new.clone(),
            });
        }
        let names = app.workloads.iter().map(|w| w.name.as_str());
        Err(Refused {
            outcome: Outcome::CouldNotRun,
            ..refuse(
                format!("the app has no workload `{name}`, and none runs an image `{name}`"),
                windlass::diag::suggest_help(
                    name,
                    names,
                    "name a workload of the app, or an image repository one runs",
                ),
            )
        })
    };
    edit_description(args.file.as_ref(), args.env.as_deref(), args.force, &plan)
}

/// Runs `canary`.
pub fn run_canary(args: &CanaryArgs) -> Outcome {
    let (assignment, file, env, force) = match &args.action {
        CanaryAction::Start(a) => (&a.assignment, &a.file, &a.env, a.force),
        CanaryAction::Weight(a) | CanaryAction::Promote(a) | CanaryAction::Abort(a) => {
            (&a.workload, &a.file, &a.env, a.force)
        }
    };
    let step = match &args.action {
        CanaryAction::Start(a) => {
            let Some((workload, tag)) = split(assignment, "orders=3.2.0") else {
                return Outcome::CouldNotRun;
            };
            match NewImage::parse(tag) {
                Ok(new) => (
                    workload.to_owned(),
                    CanaryStep::Set {
                        new,
                        weight: a.weight,
                    },
                ),
                Err(e) => {
                    printer::fatal(
                        &format!("refusing {assignment}: {}", e.message),
                        Some(&e.help),
                    );
                    return Outcome::CouldNotRun;
                }
            }
        }
        CanaryAction::Weight(_) => {
            let Some((workload, weight)) = split(assignment, "orders=25") else {
                return Outcome::CouldNotRun;
            };
            match weight.parse::<u32>() {
                Ok(w) => (workload.to_owned(), CanaryStep::Weight(w)),
                Err(_) => {
                    printer::fatal(
                        &format!("`{weight}` is not a weight"),
                        Some(
                            "write the canary's share of requests in percent, 1 to 99: `orders=25`",
                        ),
                    );
                    return Outcome::CouldNotRun;
                }
            }
        }
        CanaryAction::Promote(_) => (assignment.clone(), CanaryStep::Promote),
        CanaryAction::Abort(_) => (assignment.clone(), CanaryStep::Abort),
    };
    let (workload, change) = step;
    let plan = move |_: &App| -> Result<Step, Refused> {
        Ok(Step::Canary {
            workload: workload.clone(),
            change: change.clone(),
        })
    };
    edit_description(file.as_ref(), env.as_deref(), force, &plan)
}

/// `NAME=VALUE`, both parts non-empty; reported when not.
fn split<'a>(assignment: &'a str, example: &str) -> Option<(&'a str, &'a str)> {
    let found = assignment
        .split_once('=')
        .filter(|(w, t)| !w.is_empty() && !t.is_empty());
    if found.is_none() {
        printer::fatal(
            &format!("`{assignment}` is not NAME=VALUE"),
            Some(&format!("write it as `{example}`")),
        );
    }
    found
}

/// The repository as the description may write it: without the registry the app prepends.
fn written_repository(repository: &str) -> &str {
    repository
        .split_once('/')
        .filter(|(host, _)| host.contains(['.', ':']) || *host == "localhost")
        .map_or(repository, |(_, rest)| rest)
}

/// The other workloads whose main container runs the same image repository as `w`.
fn same_image<'a>(app: &'a App, w: &Workload) -> Vec<&'a Workload> {
    let Some(image) = &w.main.image else {
        return Vec::new();
    };
    app.workloads
        .iter()
        .filter(|o| o.name != w.name)
        .filter(|o| {
            o.main
                .image
                .as_ref()
                .is_some_and(|i| i.repository == image.repository)
        })
        .collect()
}

/// `cronjob `payments-report``, `service `a` and job `b``.
fn list(workloads: &[&Workload]) -> String {
    let words: Vec<String> = workloads
        .iter()
        .map(|w| format!("{} `{}`", w.kind.keyword(), w.name))
        .collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Reads and locks the description, compiles it, plans the edit on its model, makes it, checks
/// the result, and writes it.
fn edit_description(
    file: Option<&PathBuf>,
    env: Option<&str>,
    force: bool,
    plan: &dyn Fn(&App) -> Result<Step, Refused>,
) -> Outcome {
    let Some(mut input) = loader::read_description(file.map(PathBuf::as_path)) else {
        return Outcome::CouldNotRun;
    };
    // Held until the edit is written: a second edit of this file waits, then edits what this
    // one wrote.
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
    // Only the model is needed: what exists, its tags, and that the edit keeps the description
    // sound.
    let options = Options {
        env: env.map(str::to_owned),
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
    let step = match plan(app) {
        Ok(step) => step,
        Err(Refused {
            message,
            help,
            outcome,
        }) => {
            printer::fatal(&message, Some(&help));
            return outcome;
        }
    };
    let made = match make(&text, app, env, force, &step) {
        Ok(made) => made,
        Err(Refused {
            message,
            help,
            outcome,
        }) => {
            printer::fatal(&message, Some(&help));
            return outcome;
        }
    };
    // The edit must compile and give what was asked, or nothing is written.
    let edited_input = Input::new(name, path.as_path(), made.text.as_str());
    let Some(after) = super::compile(edited_input, &options) else {
        return Outcome::CouldNotRun;
    };
    let wrong = after
        .app
        .as_ref()
        .map_or(Some("the description".to_owned()), |a| {
            made.expect.iter().find_map(|e| e.unmet(a))
        });
    if after.has_errors() {
        printer::err(&format::human(&after.diagnostics, printer::color_stderr()));
        printer::fatal(
            "the edit would leave the description with errors; nothing changed",
            Some("the diagnostics above say what it would break"),
        );
        return Outcome::InputErrors;
    }
    if let Some(wrong) = wrong {
        printer::fatal(
            &format!("the edit did not give {wrong}; nothing changed"),
            Some(
                "the image may be set by a component without a parameter: pass it as one, or override it in the workload's block",
            ),
        );
        return Outcome::InputErrors;
    }
    if let Err(err) = locked.write(&made.text) {
        printer::fatal(
            &format!("cannot write {}: {err}", path.display()),
            Some("nothing changed"),
        );
        return Outcome::CouldNotRun;
    }
    for line in &made.done {
        printer::err(&format!("{line} in {}\n", path.display()));
    }
    if let Some(app) = &after.app {
        for note in notes(app, &step) {
            printer::err(&format!("note: {note}\n"));
        }
    }
    Outcome::Ok
}

/// Why an edit was refused.
struct Refused {
    message: String,
    help: String,
    outcome: Outcome,
}

fn refuse(message: impl Into<String>, help: impl Into<String>) -> Refused {
    Refused {
        message: message.into(),
        help: help.into(),
        outcome: Outcome::InputErrors,
    }
}

/// An edit made: the new text, what was done (a line each), and what the result must hold.
struct Made {
    text: String,
    done: Vec<String>,
    expect: Vec<Expect>,
}

/// What a workload must run after the edit.
enum Expect {
    /// Its stable image has this tag and digest.
    Stable {
        workload: String,
        tag: Option<String>,
        digest: Option<String>,
    },
    /// Its canary has this tag and digest (and this weight, when given).
    Canary {
        workload: String,
        tag: Option<String>,
        digest: Option<String>,
        weight: Option<u32>,
    },
    /// It has no canary.
    NoCanary { workload: String },
}

impl Expect {
    /// What is not as expected, in words; `None` when all is.
    fn unmet(&self, app: &App) -> Option<String> {
        let (workload, ok) = match self {
            Expect::Stable {
                workload,
                tag,
                digest,
            } => {
                let image = app.workload(workload).and_then(|w| w.main.image.as_ref());
                (
                    workload,
                    image.is_some_and(|i| &i.tag == tag && &i.digest == digest),
                )
            }
            Expect::Canary {
                workload,
                tag,
                digest,
                weight,
            } => {
                let canary = app.workload(workload).and_then(|w| w.canary.as_ref());
                (
                    workload,
                    canary.is_some_and(|c| {
                        &c.image.tag == tag
                            && &c.image.digest == digest
                            && weight.is_none_or(|w| c.weight == w)
                    }),
                )
            }
            Expect::NoCanary { workload } => (
                workload,
                app.workload(workload).is_some_and(|w| w.canary.is_none()),
            ),
        };
        (!ok).then(|| format!("`{workload}` what was asked"))
    }
}

/// The tag of an image, or `(none)`.
fn shown(tag: Option<&str>) -> &str {
    tag.unwrap_or("(none)")
}

/// Makes the edits of `step` on `text`.
fn make(
    text: &str,
    app: &App,
    env: Option<&str>,
    force: bool,
    step: &Step,
) -> Result<Made, Refused> {
    let mut made = Made {
        text: text.to_owned(),
        done: Vec::new(),
        expect: Vec::new(),
    };
    let workload = |name: &str| {
        app.workload(name).ok_or_else(|| {
            let names = app.workloads.iter().map(|w| w.name.as_str());
            Refused {
                outcome: Outcome::CouldNotRun,
                ..refuse(
                    format!("the app has no workload `{name}`"),
                    windlass::diag::suggest_help(name, names, "name a workload of the app"),
                )
            }
        })
    };
    match step {
        Step::Stable { workloads, new } => {
            for name in workloads {
                let w = workload(name)?;
                let old = w.main.image.as_ref().and_then(|i| i.tag.clone());
                let tag_text = new.tag_text(old.as_deref());
                if !force
                    && let Some(tag) = &new.tag
                    && let Some(why) = edit::refusal(old.as_deref(), tag)
                {
                    return Err(refuse(
                        format!("refusing {name}={tag}: {why}"),
                        "pass --force if this is what you mean (a rollback)",
                    ));
                }
                let spot = Target {
                    workload: name,
                    kind: w.kind.keyword(),
                    env,
                };
                let edited = edit::set_image(&made.text, &spot, &tag_text)
                    .map_err(|e| refuse(e.message, e.help))?;
                made.text = edited.text;
                made.done.push(format!(
                    "set the {} to {tag_text} (was {})",
                    edited.what,
                    shown(old.as_deref())
                ));
                made.expect.push(Expect::Stable {
                    workload: name.clone(),
                    tag: new.tag.clone().or(old),
                    digest: new.digest.clone(),
                });
            }
        }
        Step::Canary {
            workload: name,
            change,
        } => {
            let w = workload(name)?;
            if !matches!(
                w.kind,
                WorkloadKind::Frontend | WorkloadKind::Gateway | WorkloadKind::Service
            ) {
                return Err(refuse(
                    format!(
                        "`{name}` is a {}: only a frontend, gateway or service has a canary",
                        w.kind.keyword()
                    ),
                    "a stateful workload, database or job changes all its pods at once: set its image with `windlass set-image`",
                ));
            }
            let stable = w.main.image.as_ref();
            let stable_tag = stable.and_then(|i| i.tag.clone());
            let spot = Target {
                workload: name,
                kind: w.kind.keyword(),
                env,
            };
            // A canary the app declares, edited from an environment, is not there to edit.
            let elsewhere = |e: edit::EditError| match env {
                Some(env) if w.canary.is_some() && e.message.contains("has no canary") => refuse(
                    format!(
                        "the canary of `{name}` is declared in the app, not in environment `{env}`"
                    ),
                    format!(
                        "run it without --env, or write `canary none` in environment `{env}`'s `{}` block to drop it there",
                        name
                    ),
                ),
                _ => refuse(e.message, e.help),
            };
            let check_weight = |weight: u32| {
                if (1..=99).contains(&weight) {
                    Ok(())
                } else {
                    Err(refuse(
                        format!("a canary weight of {weight}% makes no sense"),
                        "give it 1 to 99 percent of the requests; 100 is a promotion (`windlass canary promote`), 0 an abort",
                    ))
                }
            };
            match change {
                CanaryStep::Set { new, weight } => {
                    if let Some(weight) = weight {
                        check_weight(*weight)?;
                    }
                    let tag = new
                        .tag
                        .clone()
                        .or_else(|| w.canary.as_ref().and_then(|c| c.image.tag.clone()))
                        .or(stable_tag.clone());
                    if let (Some(tag), Some(stable_tag)) = (&tag, &stable_tag) {
                        if !force
                            && tag == stable_tag
                            && new.digest == stable.and_then(|i| i.digest.clone())
                        {
                            return Err(refuse(
                                format!(
                                    "the stable pods of `{name}` already run {tag}: a canary of it would try nothing"
                                ),
                                "give the canary the tag of the new release",
                            ));
                        }
                        if !force
                            && let (Some(c), Some(s)) =
                                (edit::Version::parse(tag), edit::Version::parse(stable_tag))
                            && c < s
                        {
                            return Err(refuse(
                                format!(
                                    "refusing a canary of `{name}` at {tag}: older than the stable {stable_tag}"
                                ),
                                "a canary tries the next release; pass --force to try an older one",
                            ));
                        }
                    }
                    let tag_text = new.tag_text(tag.as_deref());
                    let edited = edit::canary(
                        &made.text,
                        &spot,
                        CanaryChange::Set {
                            tag: &tag_text,
                            weight: *weight,
                        },
                    )
                    .map_err(|e| refuse(e.message, e.help))?;
                    made.text = edited.text;
                    let weight_now = weight
                        .or(w.canary.as_ref().map(|c| c.weight))
                        .unwrap_or(edit::DEFAULT_CANARY_WEIGHT);
                    made.done.push(match &w.canary {
                        Some(c) => format!(
                            "moved the {} to {tag_text} at {weight_now}% (was {} at {}%)",
                            edited.what,
                            shown(c.image.tag.as_deref()),
                            c.weight
                        ),
                        None => format!(
                            "started the {} at {tag_text}, {weight_now}% of requests",
                            edited.what
                        ),
                    });
                    made.expect.push(Expect::Canary {
                        workload: name.clone(),
                        tag,
                        digest: new.digest.clone(),
                        weight: Some(weight_now),
                    });
                }
                CanaryStep::Weight(weight) => {
                    check_weight(*weight)?;
                    let Some(c) = &w.canary else {
                        return Err(no_canary(name));
                    };
                    let edited = edit::canary(&made.text, &spot, CanaryChange::Weight(*weight))
                        .map_err(elsewhere)?;
                    made.text = edited.text;
                    made.done.push(format!(
                        "set the {} to {weight}% (was {}%)",
                        edited.what, c.weight
                    ));
                    made.expect.push(Expect::Canary {
                        workload: name.clone(),
                        tag: c.image.tag.clone(),
                        digest: c.image.digest.clone(),
                        weight: Some(*weight),
                    });
                }
                CanaryStep::Promote => {
                    let Some(c) = &w.canary else {
                        return Err(no_canary(name));
                    };
                    if stable.is_some_and(|s| s.repository != c.image.repository) {
                        return Err(refuse(
                            format!(
                                "the canary of `{name}` runs another image ({}) than its stable pods",
                                c.image.repository
                            ),
                            "promote it by hand: set the workload's `image` to the canary's and remove the `canary` line",
                        ));
                    }
                    let canary_tag = c.image.tag.as_deref();
                    if !force
                        && let (Some(ct), Some(st)) = (canary_tag, stable_tag.as_deref())
                        && let (Some(cv), Some(sv)) =
                            (edit::Version::parse(ct), edit::Version::parse(st))
                        && cv < sv
                    {
                        return Err(refuse(
                            format!(
                                "refusing to promote the canary of `{name}`: its {ct} is older than the stable {st}"
                            ),
                            "pass --force if this is what you mean (a rollback)",
                        ));
                    }
                    let tag_text = NewImage {
                        tag: c.image.tag.clone(),
                        digest: c.image.digest.clone(),
                    }
                    .tag_text(None);
                    let removed =
                        edit::canary(&made.text, &spot, CanaryChange::Remove).map_err(elsewhere)?;
                    let edited = edit::set_image(&removed.text, &spot, &tag_text)
                        .map_err(|e| refuse(e.message, e.help))?;
                    made.text = edited.text;
                    made.done.push(format!(
                        "promoted the {}: set the {} to {tag_text} (was {}) and removed the canary",
                        removed.what,
                        edited.what,
                        shown(stable_tag.as_deref())
                    ));
                    made.expect.push(Expect::Stable {
                        workload: name.clone(),
                        tag: c.image.tag.clone(),
                        digest: c.image.digest.clone(),
                    });
                    made.expect.push(Expect::NoCanary {
                        workload: name.clone(),
                    });
                }
                CanaryStep::Abort => {
                    let Some(c) = &w.canary else {
                        return Err(no_canary(name));
                    };
                    let edited =
                        edit::canary(&made.text, &spot, CanaryChange::Remove).map_err(elsewhere)?;
                    made.text = edited.text;
                    made.done.push(format!(
                        "aborted the {} ({} at {}%); the stable pods keep {}",
                        edited.what,
                        shown(c.image.tag.as_deref()),
                        c.weight,
                        shown(stable_tag.as_deref())
                    ));
                    made.expect.push(Expect::NoCanary {
                        workload: name.clone(),
                    });
                }
            }
        }
    }
    Ok(made)
}

fn no_canary(name: &str) -> Refused {
    refuse(
        format!("`{name}` has no canary"),
        format!(
            "start one with `windlass canary start {name}=TAG` (or `set-image {name}=TAG --canary`)"
        ),
    )
}

/// What the user should know after the edit: a canary left beside a stable that now runs its
/// tag, or one that keeps running another.
fn notes(app: &App, step: &Step) -> Vec<String> {
    let workloads: Vec<String> = match step {
        Step::Stable { workloads, .. } => workloads.clone(),
        Step::Canary {
            workload,
            change: CanaryStep::Promote,
        } => vec![workload.clone()],
        Step::Canary { .. } => return Vec::new(),
    };
    // Workloads that run the same image at another version: never left behind silently.
    let mut out: Vec<String> = workloads
        .iter()
        .filter_map(|name| {
            let w = app.workload(name)?;
            let image = w.main.image.as_ref()?;
            let behind: Vec<String> = same_image(app, w)
                .into_iter()
                .filter(|o| !workloads.contains(&o.name))
                .filter_map(|o| {
                    let theirs = o.main.image.as_ref()?;
                    (theirs.reference != image.reference).then(|| {
                        format!(
                            "{} `{}` still runs {}",
                            o.kind.keyword(),
                            o.name,
                            theirs.reference
                        )
                    })
                })
                .collect();
            (!behind.is_empty()).then(|| {
                format!(
                    "{} (`windlass set-image {}={}` sets them all)",
                    behind.join("; "),
                    written_repository(&image.repository),
                    NewImage {
                        tag: image.tag.clone(),
                        digest: image.digest.clone()
                    }
                    .tag_text(None)
                )
            })
        })
        .collect();
    out.extend(workloads
        .iter()
        .filter_map(|name| {
            let w = app.workload(name)?;
            let c = w.canary.as_ref()?;
            let stable = w.main.image.as_ref()?;
            Some(if c.image.reference == stable.reference {
                format!(
                    "the canary of `{name}` runs the same image as its stable pods now ({}): promote it (`windlass canary promote {name}`) or abort it (`windlass canary abort {name}`)",
                    stable.reference
                )
            } else {
                format!(
                    "`{name}` keeps its canary ({}, {}% of requests) beside the new stable image",
                    c.image.reference, c.weight
                )
            })
        }));
    out
}
