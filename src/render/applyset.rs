//! Pruning: the ApplySet (KEP-3659) that `kubectl apply --prune --applyset` keeps for an app, so
//! that an apply deletes what Windlass no longer writes.
//!
//! kubectl owns the ApplySet: it labels every object it applies with
//! `applyset.kubernetes.io/part-of` and keeps the set's parent object (a Secret by default) up to
//! date, and it refuses manifests that already carry that label. So the output has no
//! `applyset.*` key; Windlass only fixes the parent — one per app and environment, a Secret in
//! the app's namespace — and prints the command that applies with it.

use sha2::{Digest, Sha256};

/// The ApplySet of an app (or one of its environments).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplySet {
    /// The parent Secret's name: `windlass-APP`, or `windlass-APP-ENV` for an environment.
    pub name: String,
    /// The namespace the parent lives in, and the one every member is applied to.
    pub namespace: String,
}

impl ApplySet {
    /// The ApplySet of app `app` in `namespace`, for environment `env` or the base app.
    pub fn new(app: &str, env: Option<&str>, namespace: &str) -> Self {
        let name = match env {
            Some(env) => format!("windlass-{app}-{env}"),
            None => format!("windlass-{app}"),
        };
        ApplySet {
            name,
            namespace: namespace.to_owned(),
        }
    }

    /// The ID kubectl gives the set, which labels the parent and every member:
    /// `applyset-` + base64url(sha256(`NAME.NAMESPACE.KIND.GROUP`)) + `-v1`, the parent being a
    /// Secret (kind `Secret`, the core group).
    pub fn id(&self) -> String {
        id(&self.name, &self.namespace, "Secret", "")
    }

    /// The command that applies the output in `dir` and deletes the set's objects it no longer
    /// holds: `KUBECTL_APPLYSET=true kubectl apply -k DIR --prune --applyset=NAME -n NAMESPACE`.
    pub fn command(&self, dir: &str) -> String {
        format!(
            "KUBECTL_APPLYSET=true kubectl apply -k {} --prune --applyset={} -n {}",
            shell_word(dir),
            self.name,
            self.namespace
        )
    }
}

/// The ID of the ApplySet whose parent is the object `name` of `kind` in `group`, in `namespace`
/// (empty for a cluster-wide parent), by KEP-3659's formula.
pub fn id(name: &str, namespace: &str, kind: &str, group: &str) -> String {
    let digest = Sha256::digest(format!("{name}.{namespace}.{kind}.{group}").as_bytes());
    format!("applyset-{}-v1", base64_url(&digest))
}

/// RFC 4648 base64 with the URL-safe alphabet, unpadded.
fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// A directory as one shell word: as it is when it needs no quoting, else in single quotes.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_the_ones_kubectl_computes() {
        // kubectl's own tests (pkg/cmd/apply/apply_test.go): a Secret `my-set` in namespace
        // `test`, and a cluster-wide `ApplySet` of group `company.com` named `my-set`.
        assert_eq!(
            id("my-set", "test", "Secret", ""),
            "applyset-0eFHV8ySqp7XoShsGvyWFQD3s96yqwHmzc4e0HR1dsY-v1"
        );
        assert_eq!(
            id("my-set", "", "ApplySet", "company.com"),
            "applyset-rhp1a-HVAVT_dFgyEygyA1BEB82HPp2o10UiFTpqtAs-v1"
        );
        assert_eq!(
            ApplySet::new("my", Some("set"), "test").id(),
            id("windlass-my-set", "test", "Secret", "")
        );
    }

    #[test]
    fn base64_is_rfc_4648_url_safe_without_padding() {
        // RFC 4648 section 10's vectors, padding removed.
        for (input, expected) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_url(input.as_bytes()), expected);
        }
        assert_eq!(base64_url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn the_command_names_the_set_and_namespace_and_quotes_the_directory() {
        let set = ApplySet::new("shop", Some("prod"), "shop-prod");
        assert_eq!(
            set.command("deploy/prod"),
            "KUBECTL_APPLYSET=true kubectl apply -k deploy/prod --prune --applyset=windlass-shop-prod -n shop-prod"
        );
        assert!(set.command("my deploy").contains("-k 'my deploy' "));
    }
}
