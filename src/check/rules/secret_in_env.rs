//! `secret-in-env`: a literal value in an environment variable whose name says it is a secret.

use super::{containers, describe};
use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::EnvValue;

declare_rule! {
    /// ## What it does
    /// Flags `env NAME=VALUE` (a literal value) in any container when NAME says it holds a
    /// secret. The name is split into words at `_`, `-`, `.` and lower-to-upper case changes,
    /// and compared without case. It says "secret" when a word contains `PASSWORD`, `PASSWD`,
    /// `PASSPHRASE`, `SECRET` or `TOKEN`, or is `KEY` or one of `APIKEY`, `ACCESSKEY`,
    /// `SECRETKEY`, `PRIVATEKEY`, `MASTERKEY`, `SIGNINGKEY`, `ENCRYPTIONKEY`, `LICENSEKEY`,
    /// `AUTHKEY` (a word that merely ends in `KEY`, such as `MONKEY`, is not). Not flagged,
    /// because they name something about a secret rather than the secret:
    ///
    /// - names whose last word is `ID`, `FILE`, `PATH`, `DIR`, `NAME`, `URL`, `URI`, `HOST`,
    ///   `PORT`, `ENDPOINT`, `HEADER`, `PREFIX`, `TTL`, `EXPIRY`, `TIMEOUT`, `LENGTH`, `SIZE`,
    ///   `TYPE`, `ALGORITHM` or `ENABLED`: `AWS_ACCESS_KEY_ID`, `DB_PASSWORD_FILE`, `TOKEN_URL`;
    /// - a `KEY` after `PUBLIC`, `ROUTING`, `PARTITION`, `SORT`, `PRIMARY`, `FOREIGN`, `CACHE`
    ///   or `IDEMPOTENCY`: `RABBITMQ_ROUTING_KEY`, `JWT_PUBLIC_KEY`;
    /// - values that cannot be secrets: empty, a boolean word (`true`, `false`, `yes`, `no`,
    ///   `on`, `off`), or only a reference to another variable, such as `$(DB_PASSWORD)`. So
    ///   `MYSQL_ALLOW_EMPTY_PASSWORD=yes` passes.
    ///
    /// ## Why is this bad?
    /// The value is committed to the repository with the description and written in clear text
    /// into the Deployment, where everyone who can read Deployments, and every tool that
    /// archives manifests, sees it. Rotating it means a commit and a rollout.
    ///
    /// ## Example
    /// ```kdl
    /// service orders { image "orders:3.1.0"; env DB_PASSWORD="hunter2" }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service orders { image "orders:3.1.0"; env DB_PASSWORD secret=orders-db key=password }
    /// ```
    ///
    /// Counterparts: kube-linter `env-var-secret`, Polaris `sensitiveContainerEnvVar`. checkov's
    /// `CKV_K8S_35` is related but flags Secret references in the environment (it prefers
    /// files); its secret scanner (`CKV_SECRET_*`) looks for high-entropy literals.
    pub struct SecretInEnv {
        code: "secret-in-env",
        severity: Warning,
        summary: "a literal value in an env var whose name says secret (`*PASSWORD*`, `*TOKEN*`, …)",
    }
}

impl Rule for SecretInEnv {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.runs() {
            for (role, c) in containers(w) {
                for var in &c.env {
                    let EnvValue::Literal(value) = &var.value else {
                        continue;
                    };
                    if !names_secret(&var.name) || harmless(value) {
                        continue;
                    }
                    let secret = format!("{}-secrets", w.name);
                    out.push(
                        w,
                        format!(
                            "`{}` of {} is a secret written in the description",
                            var.name,
                            describe(w, role, c)
                        ),
                    )
                    .label(var.span, "the value lands in git and in the Deployment")
                    .help(format!(
                        "keep it in a Secret and reference it: `env {} secret={secret} key={}`",
                        var.name, var.name
                    ));
                }
            }
        }
    }
}

/// Words that make a name a secret's: contained in a word.
const SECRET_WORDS: &[&str] = &["PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN"];

/// A last word that names something about a secret, not the secret itself.
const ABOUT_A_SECRET: &[&str] = &[
    "ID",
    "FILE",
    "PATH",
    "DIR",
    "NAME",
    "URL",
    "URI",
    "HOST",
    "PORT",
    "ENDPOINT",
    "HEADER",
    "PREFIX",
    "TTL",
    "EXPIRY",
    "TIMEOUT",
    "LENGTH",
    "SIZE",
    "TYPE",
    "ALGORITHM",
    "ENABLED",
];

/// What may come before `KEY` in one word and still name a secret key (`APIKEY`); any other
/// word that merely ends in `KEY` (`MONKEY`) is not one.
const KEY_COMPOUNDS: &[&str] = &[
    "",
    "API",
    "ACCESS",
    "SECRET",
    "PRIVATE",
    "MASTER",
    "SIGNING",
    "ENCRYPTION",
    "LICENSE",
    "AUTH",
];

/// Words before `KEY` that make it a data key, or a key that is public.
const NOT_SECRET_KEYS: &[&str] = &[
    "PUBLIC",
    "ROUTING",
    "PARTITION",
    "SORT",
    "PRIMARY",
    "FOREIGN",
    "CACHE",
    "IDEMPOTENCY",
];

/// Whether an environment variable's name says it holds a secret.
fn names_secret(name: &str) -> bool {
    let words = words(name);
    if words
        .last()
        .is_some_and(|w| ABOUT_A_SECRET.contains(&w.as_str()))
    {
        return false;
    }
    words.iter().enumerate().any(|(i, word)| {
        if SECRET_WORDS.iter().any(|s| word.contains(s)) {
            return true;
        }
        let data_key = i
            .checked_sub(1)
            .is_some_and(|before| NOT_SECRET_KEYS.contains(&words[before].as_str()));
        let secret_key = word
            .strip_suffix("KEY")
            .is_some_and(|before| KEY_COMPOUNDS.contains(&before));
        secret_key && !data_key
    })
}

/// Upper-case words of a name: split at `_`, `-`, `.` and where lower case turns upper.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for ch in name.chars() {
        if matches!(ch, '_' | '-' | '.') {
            words.push(std::mem::take(&mut current));
            previous_lower = false;
            continue;
        }
        if ch.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = ch.is_lowercase();
        current.extend(ch.to_uppercase());
    }
    words.push(current);
    words.retain(|w| !w.is_empty());
    words
}

/// A value that cannot be a secret: empty, a boolean word, or only a `$(VAR)` reference.
fn harmless(value: &str) -> bool {
    let v = value.trim();
    let reference = v
        .strip_prefix("$(")
        .and_then(|r| r.strip_suffix(')'))
        .is_some_and(|inner| !inner.is_empty() && !inner.contains(['(', ')']));
    v.is_empty()
        || reference
        || ["true", "false", "yes", "no", "on", "off"]
            .iter()
            .any(|b| v.eq_ignore_ascii_case(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_say_secret() {
        for name in [
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "dbPassword",
            "spring.datasource.password",
            "JWT_SECRET",
            "MINIO_SECRETKEY",
            "AWS_SECRET_ACCESS_KEY",
            "GITHUB_TOKEN",
            "API_KEY",
            "STRIPE_APIKEY",
            "apiKey",
            "SECRET_KEY_BASE",
            "SSH_PASSPHRASE",
        ] {
            assert!(names_secret(name), "{name}");
        }
    }

    #[test]
    fn names_about_a_secret_or_not_secret() {
        for name in [
            "AWS_ACCESS_KEY_ID",
            "DB_PASSWORD_FILE",
            "TOKEN_URL",
            "OAUTH_TOKEN_ENDPOINT",
            "PASSWORD_MIN_LENGTH",
            "RABBITMQ_ROUTING_KEY",
            "JWT_PUBLIC_KEY",
            "KEYCLOAK_URL",
            "KEYCLOAK_REALM",
            "MONKEY_MODE",
            "TOKENIZER_NAME",
            "SPRING_PROFILES_ACTIVE",
            "xpack.security.enabled",
            "SESSION_TOKEN_TTL",
        ] {
            assert!(!names_secret(name), "{name}");
        }
    }

    #[test]
    fn values_that_cannot_be_secrets() {
        assert!(harmless(""));
        assert!(harmless("yes"));
        assert!(harmless("FALSE"));
        assert!(harmless("$(DB_PASSWORD)"));
        assert!(harmless("false")); // TOKENIZERS_PARALLELISM=false
        assert!(!harmless("hunter2"));
        assert!(!harmless("$(A)$(B)x"));
    }
}
