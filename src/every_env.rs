//! A description compiled for its base app and every environment it declares: what `check`
//! reports by default (the findings of all of them, merged), and what `build --all-envs` writes.

use std::collections::HashSet;

use crate::diag::{Diagnostic, Located};
use crate::source::Location;
use crate::{Compilation, Goal, Input, Loader, Options, compile, environments};

/// The findings of the base app and of every environment of `input`, each compiled as far as
/// its findings, a core's worth at a time, and merged in declaration order (see [`merge`]).
pub fn findings(input: &Input, options: &Options, loader: &(dyn Loader + Sync)) -> Vec<Located> {
    let declared = environments(input).unwrap_or_default();
    let options = options.to_goal(Goal::Findings);
    let compile = |env: Option<&str>| compile(input.clone(), &options.for_env(env), loader);
    // As many compilations at once as there are cores, and merged as they finish each round:
    // a description with thousands of environments must not hold thousands of models.
    let width = std::thread::available_parallelism().map_or(1, |n| n.get());
    let targets: Vec<Option<&str>> = std::iter::once(None)
        .chain(declared.iter().map(|e| Some(e.as_str())))
        .collect();
    let mut found = Vec::new();
    for round in targets.chunks(width) {
        let compiled: Vec<Compilation> = std::thread::scope(|scope| {
            let threads: Vec<_> = round
                .iter()
                .map(|&env| scope.spawn(move || compile(env)))
                .collect();
            threads
                .into_iter()
                .map(|t| {
                    t.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        for (&env, c) in round.iter().zip(compiled) {
            merge(&mut found, c, env);
        }
    }
    found
}

/// Adds the findings of `compilation` (of environment `env`, or the base app) to `found`, each
/// with its place: a finding already there is reported once, and one only an environment has
/// says which.
pub fn merge(found: &mut Vec<Located>, compilation: Compilation, env: Option<&str>) {
    // What is already there, by code, message and place: looked up, not searched, so that tens
    // of thousands of findings merge in linear time.
    let key =
        |d: &Diagnostic, l: &Option<Location>| (d.code.to_owned(), d.message.clone(), l.clone());
    let mut seen: HashSet<(String, String, Option<Location>)> = found
        .iter()
        .map(|f| key(&f.diagnostic, &f.location))
        .collect();
    for mut d in compilation.diagnostics {
        let location = d.span().and_then(|span| compilation.sources.location(span));
        if let Some(env) = env
            && !d.message.contains(&format!("environment `{env}`"))
        {
            if seen.contains(&key(&d, &location)) {
                continue;
            }
            d.message = format!("{} (in environment `{env}`)", d.message);
        }
        if !seen.insert(key(&d, &location)) {
            continue;
        }
        found.push(Located {
            diagnostic: d,
            location,
        });
    }
}

/// Every environment of `input` compiled as far as `options.goal`, in declaration order:
/// `build --all-envs`. Empty when the description declares none, or does not parse.
pub fn compilations(
    input: &Input,
    options: &Options,
    loader: &dyn Loader,
) -> Vec<(String, Compilation)> {
    environments(input)
        .unwrap_or_default()
        .into_iter()
        .map(|env| {
            let c = compile(input.clone(), &options.for_env(Some(&env)), loader);
            (env, c)
        })
        .collect()
}
