//! A description compiled for its base app and every environment it declares: what `check`
//! reports by default (the findings of all of them, merged), and what `build --all-envs` writes
//! (the findings of every environment, merged the same way).

use std::collections::HashMap;

use crate::check::environments::{Footprint, collisions, footprint};
use crate::diag::{Diagnostic, Located};
use crate::source::{Location, Sources};
use crate::{Compilation, Goal, Input, Loader, Options, compile, environments};

/// The findings of the base app and of every environment of `input`, each compiled as far as
/// its findings, a core's worth at a time, and merged in declaration order (see [`Merged`]).
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
    let mut merged = Merged::default();
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
            merged.add(c, env);
        }
    }
    merged.finish()
}

/// What identifies a finding across compilations: its code, its message and its place.
type Key = (&'static str, String, Option<Location>);

/// The findings of several compilations of one description (its base app, its environments),
/// each reported once, in the order first found. A finding of the base app is the app's and
/// names no environment; so is one found in every environment when several were compiled and
/// the base app was not (`build --all-envs`). Any other names the environments that have it.
#[derive(Default)]
pub struct Merged {
    found: Vec<Found>,
    /// Where each finding is in `found`: looked up, not searched, so that tens of thousands of
    /// findings merge in linear time.
    index: HashMap<Key, usize>,
    base_compiled: bool,
    /// The environments compiled, in the order added.
    environments: Vec<String>,
    /// What each environment takes in its cluster, for the checks across environments.
    footprints: Vec<Footprint>,
    /// The sources of an environment's compilation, where those checks' findings point.
    sources: Option<Sources>,
}

/// A finding and where it was found.
struct Found {
    located: Located,
    in_base: bool,
    /// Indices into [`Merged::environments`], ascending.
    environments: Vec<usize>,
}

impl Merged {
    /// Adds the findings of `compilation`, of environment `env` or (`None`) the base app.
    pub fn add(&mut self, compilation: Compilation, env: Option<&str>) {
        let env_index = env.map(|name| {
            self.environments.push(name.to_owned());
            self.environments.len() - 1
        });
        self.base_compiled |= env.is_none();
        // An environment with errors is not deployable: what it would collide on is noise.
        if let (Some(env), Some(app), false) = (env, &compilation.app, compilation.has_errors()) {
            self.footprints.push(footprint(env, app));
            if self.sources.is_none() {
                self.sources = Some(compilation.sources.clone());
            }
        }
        for d in compilation.diagnostics {
            let location = d.span().and_then(|span| compilation.sources.location(span));
            let key: Key = (d.code, d.message.clone(), location.clone());
            let at = *self.index.entry(key).or_insert_with(|| {
                self.found.push(Found {
                    located: Located {
                        diagnostic: d,
                        location,
                    },
                    in_base: false,
                    environments: Vec::new(),
                });
                self.found.len() - 1
            });
            let found = &mut self.found[at];
            match env_index {
                None => found.in_base = true,
                // A compilation reports a finding once: the same one twice is one place.
                Some(i) if found.environments.last() != Some(&i) => found.environments.push(i),
                Some(_) => {}
            }
        }
    }

    /// The findings, each once, those of some environments only saying which; then what the
    /// environments of one cluster collide on (`environment-collision`).
    pub fn finish(self) -> Vec<Located> {
        let every_environment = !self.base_compiled && self.environments.len() > 1;
        let mut out = Vec::with_capacity(self.found.len());
        for mut f in self.found {
            let everywhere = every_environment && f.environments.len() == self.environments.len();
            if !f.in_base && !everywhere {
                name_environments(
                    &mut f.located.diagnostic,
                    f.environments
                        .iter()
                        .map(|&i| self.environments[i].as_str()),
                );
            }
            out.push(f.located);
        }
        if let Some(sources) = &self.sources {
            for d in collisions(&self.footprints) {
                let location = d.span().and_then(|span| sources.location(span));
                out.push(Located {
                    diagnostic: d.with_source(sources),
                    location,
                });
            }
        }
        out
    }
}

/// Adds "(in environment `prod`)" (or "(in environments `dev` and `prod`)") to a finding's
/// message, leaving out an environment the message already names.
fn name_environments<'a>(d: &mut Diagnostic, envs: impl Iterator<Item = &'a str>) {
    let unnamed: Vec<String> = envs
        .filter(|e| !d.message.contains(&format!("environment `{e}`")))
        .map(|e| format!("`{e}`"))
        .collect();
    let list = match unnamed.as_slice() {
        [] => return,
        [one] => format!("environment {one}"),
        [rest @ .., last] => format!("environments {} and {last}", rest.join(", ")),
    };
    d.message = format!("{} (in {list})", d.message);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_are_named_once_each_and_not_twice() {
        let named = |message: &str, envs: &[&str]| {
            let mut d = Diagnostic::warning("code", message);
            name_environments(&mut d, envs.iter().copied());
            d.message
        };
        assert_eq!(named("m", &["dev"]), "m (in environment `dev`)");
        assert_eq!(
            named("m", &["dev", "staging", "prod"]),
            "m (in environments `dev`, `staging` and `prod`)"
        );
        assert_eq!(
            named("environment `dev` overrides `x`", &["dev"]),
            "environment `dev` overrides `x`"
        );
    }
}
